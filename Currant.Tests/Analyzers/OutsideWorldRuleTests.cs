using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1007: files, network, databases, machine facts, console input, processes, pipes and memory-mapped files in workflow code (no code fix).</summary>
public sealed class OutsideWorldRuleTests
{
    [Test]
    public Task OutsideWorldAccess_InWorkflow_IsReported() => Verify.VerifyAsync("""
        using System;
        using System.Diagnostics;
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Currant;
        using Npgsql;

        [Workflow]
        public partial class Order
        {
            public async Task<string> RunAsync(NpgsqlDataSource db, HttpClient client)
            {
                var text = {|CUR1007:File.ReadAllText("order.json")|};
                var exists = {|CUR1007:new FileInfo("x")|}.Exists;
                var page = await {|CUR1007:new HttpClient()|}.GetStringAsync("http://localhost/");
                var again = await {|CUR1007:client.GetStringAsync("http://localhost/")|};
                await using var connection = {|CUR1007:new NpgsqlConnection("Host=localhost")|};
                await using var command = {|CUR1007:db.CreateCommand("select 1")|};
                var url = {|CUR1007:Environment.GetEnvironmentVariable("URL")|};
                var host = {|CUR1007:Environment.MachineName|};
                var line = {|CUR1007:Console.ReadLine()|};
                {|CUR1007:Process.Start("ls")|};
                return text + page + again + url + host + line + exists;
            }
        }
        """);

    [Test]
    public Task PipesAndMemoryMappedFiles_InWorkflowHelpers_AreReported() => Verify.VerifyAsync("""
        using System.IO.MemoryMappedFiles;
        using System.IO.Pipes;
        using System.Threading.Tasks;
        using Currant;

        public static class Bridge
        {
            public static int Peek()
            {
                using var pipe = {|#0:new NamedPipeClientStream("prices")|};
                {|#1:pipe.Connect()|};
                using var map = {|#2:MemoryMappedFile.OpenExisting("quotes")|};
                using var view = {|#3:map.CreateViewAccessor()|};
                return view.ReadInt32(0);
            }
        }

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync() => Task.FromResult(Bridge.Peek());
        }
        """,
        Verify.Diagnostic("CUR1007").WithLocation(0).WithArguments("new NamedPipeClientStream()", "'Bridge.Peek()', called from 'Order.RunAsync'", "another process (a pipe or shared memory)"),
        Verify.Diagnostic("CUR1007").WithLocation(1).WithArguments("NamedPipeClientStream.Connect()", "'Bridge.Peek()', called from 'Order.RunAsync'", "another process (a pipe or shared memory)"),
        Verify.Diagnostic("CUR1007").WithLocation(2).WithArguments("MemoryMappedFile.OpenExisting()", "'Bridge.Peek()', called from 'Order.RunAsync'", "another process (a pipe or shared memory)"),
        Verify.Diagnostic("CUR1007").WithLocation(3).WithArguments("MemoryMappedFile.CreateViewAccessor()", "'Bridge.Peek()', called from 'Order.RunAsync'", "another process (a pipe or shared memory)"));

    [Test]
    public Task OutsideWorldAccess_MessageNamesWhatWasTouched() => Verify.VerifyAsync("""
        using System.IO;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync() => Task.FromResult({|#0:File.ReadAllText("order.json")|});
        }
        """,
        Verify.Diagnostic("CUR1007").WithLocation(0).WithMessage(
            "'File.ReadAllText()' in 'Order.RunAsync': the file system is outside the workflow's history; move it into an activity or 'Workflow.Step'"));

    [Test]
    public Task HarmlessMembersAndSteps_InWorkflow_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<string> RunAsync()
            {
                Console.WriteLine("running");
                var path = Path.Combine("a", "b") + Environment.NewLine;
                var text = await Workflow.Step("read", ct => File.ReadAllTextAsync(path, ct));
                using var memory = new MemoryStream();
                return text;
            }
        }
        """);

    [Test]
    public Task OutsideWorldAccess_OutsideWorkflows_IsSilent() => Verify.VerifyAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;
        using Currant;

        [Activity]
        public partial class LoadOrder
        {
            public Task<string> ExecuteAsync(string id) => File.ReadAllTextAsync(id + Environment.GetEnvironmentVariable("SUFFIX"));
        }
        """);

    [Test]
    public Task OutsideWorldAccess_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public Task<string> RunAsync() => File.ReadAllTextAsync(Environment.MachineName);
        }
        """);
}
