using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.WorkflowCodeAnalyzer, Currant.Analyzers.CodeFixes.RemoveConfigureAwaitCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR1005: ConfigureAwait(false) in workflow code.</summary>
public sealed class ConfigureAwaitRuleTests
{
    [Test]
    public Task ConfigureAwaitFalse_InWorkflow_IsReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync(Task<int> pending, ValueTask other)
            {
                await other.{|CUR1005:ConfigureAwait(false)|};
                await Task.CompletedTask.{|CUR1005:ConfigureAwait(ConfigureAwaitOptions.None)|};
                await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext);
                await Task.CompletedTask.ConfigureAwait(true);
                return await pending.{|CUR1005:ConfigureAwait(false)|};
            }
        }
        """);

    [Test]
    public Task ConfigureAwaitFalse_OutsideWorkflows_IsSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Send
        {
            public async Task ExecuteAsync() => await Task.Yield();
        }

        public static class Library
        {
            public static async Task WaitAsync(Task task) => await task.ConfigureAwait(false);
        }
        """);

    [Test]
    public Task ConfigureAwaitFalse_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;
        using System.Threading.Tasks;

        public sealed class WorkflowAttribute : Attribute { }

        [Workflow]
        public partial class Order
        {
            public async Task RunAsync(Task task) => await task.ConfigureAwait(false);
        }
        """);

    [Test]
    public Task CodeFix_RemovesEveryConfigureAwaitFalse() => VerifyFix.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync(Task<int> first, Task<int> second)
            {
                var a = await first.{|CUR1005:ConfigureAwait(false)|};
                var b = await second
                    .{|CUR1005:ConfigureAwait(false)|};
                return a + b;
            }
        }
        """, """
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public async Task<int> RunAsync(Task<int> first, Task<int> second)
            {
                var a = await first;
                var b = await second;
                return a + b;
            }
        }
        """);
}
