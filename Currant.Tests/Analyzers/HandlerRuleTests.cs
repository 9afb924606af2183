using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.HandlerAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2020–CUR2022 and CUR1020: workflow handlers' shapes and read-only queries and validators (no code fixes).</summary>
public sealed class HandlerRuleTests
{
    [Test]
    public Task UnsupportedHandlerShapes_AreReported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Approval
        {
            public Task RunAsync() => Task.CompletedTask;

            [Signal] public int {|#0:Approve|}(string who) => 1;
            [Query] public Task<string> {|#1:Status|}() => Task.FromResult("x");
            [Query] public void {|#2:Nothing|}() { }
            [Update] public static int {|#3:Add|}(int n) => n;
            [Update] public int {|#4:Take|}(int n, CancellationToken ct) => n;
            [UpdateValidator(nameof(Take))] public bool {|#5:Check|}(int n) => true;
        }

        public class NotAWorkflow
        {
            [Signal] public void {|#6:Poke|}() { }
        }
        """,
        Verify.Diagnostic("CUR2020").WithLocation(0).WithArguments("Signal", "Approval.Approve()", "a [Signal] method returns void or Task: a signal has no result"),
        Verify.Diagnostic("CUR2020").WithLocation(1).WithArguments("Query", "Approval.Status()", "a [Query] method returns a value, not void or a task: a query answers at once and never awaits"),
        Verify.Diagnostic("CUR2020").WithLocation(2).WithArguments("Query", "Approval.Nothing()", "a [Query] method returns a value, not void or a task: a query answers at once and never awaits"),
        Verify.Diagnostic("CUR2020").WithLocation(3).WithArguments("Update", "Approval.Add()", "it must be an ordinary, non-generic instance method"),
        Verify.Diagnostic("CUR2020").WithLocation(4).WithArguments("Update", "Approval.Take()", "handlers take no CancellationToken"),
        Verify.Diagnostic("CUR2020").WithLocation(5).WithArguments("UpdateValidator", "Approval.Check()", "an [UpdateValidator] method returns void and throws to reject the update"),
        Verify.Diagnostic("CUR2020").WithLocation(6).WithArguments("Signal", "NotAWorkflow.Poke()", "is not in a [Workflow] class ('NotAWorkflow' is not one), so nothing ever calls it"));

    [Test]
    public Task ValidatorsThatDoNotFit_AndDuplicateNames_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Approval
        {
            public Task RunAsync() => Task.CompletedTask;

            [Update] public int Add(string who) => 1;
            [UpdateValidator(nameof(Add))] public void {|#0:CheckAdd|}(int who) { }
            [UpdateValidator("Missing")] public void {|#1:CheckMissing|}(string who) { }
            [Signal] public void Approve(string who) { }
            [Signal(Name = "Approve")] public void {|#2:ApproveToo|}(string who) { }
            [Query] public int {|#3:Count|}() => 1;
            public int Count(int offset) => offset;
        }
        """,
        Verify.Diagnostic("CUR2021").WithLocation(0).WithArguments("Approval.CheckAdd()", "parameter 1 is 'int', but update 'Add' takes 'string'"),
        Verify.Diagnostic("CUR2021").WithLocation(1).WithArguments("Approval.CheckMissing()", "names 'Missing', which is not an [Update] method of 'Approval'"),
        Verify.Diagnostic("CUR2022").WithLocation(2).WithArguments("Signal", "Approval.ApproveToo()", "'Approval.Approve()' already answers the signal 'Approve'"),
        Verify.Diagnostic("CUR2022").WithLocation(3).WithArguments("Query", "Approval.Count()", "'Count' is overloaded; a handler is called by name, so its method must not be"));

    [Test]
    public Task QueriesAndValidatorsThatWriteOrWait_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Approval
        {
            private int _reads;
            private string _status = "";

            public Task RunAsync() => Task.CompletedTask;

            [Query] public int Reads() => {|#0:++_reads|};
            [Query] public string Status() { {|#1:_status = "read"|}; return _status; }
            [Query] public bool Slept() { {|#2:Workflow.Sleep(TimeSpan.FromSeconds(1))|}; return true; }
            [Update] public int Add(int n) => n;
            [UpdateValidator(nameof(Add))] public void CheckAdd(int n) { {|#3:_reads += n|}; }
        }
        """,
        Verify.Diagnostic("CUR1020").WithLocation(0).WithArguments("query 'Approval.Reads()'", "writes '_reads'"),
        Verify.Diagnostic("CUR1020").WithLocation(1).WithArguments("query 'Approval.Status()'", "writes '_status'"),
        Verify.Diagnostic("CUR1020").WithLocation(2).WithArguments("query 'Approval.Slept()'", "calls 'Workflow.Sleep', which records or waits"),
        Verify.Diagnostic("CUR1020").WithLocation(3).WithArguments("update validator 'Approval.CheckAdd()'", "writes '_reads'"));

    [Test]
    public Task WellShapedHandlers_AreSilent() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Approval
        {
            private readonly List<string> _approvers = new();
            private string _status = "waiting";

            public async Task<string> RunAsync(int needed)
            {
                await Workflow.WaitUntil(() => _approvers.Count >= needed);
                _status = "approved";
                return _status;
            }

            [Signal] public void Approve(string who) => _approvers.Add(who);
            [Signal(Name = "reset")] public Task Reset() { _approvers.Clear(); return Task.CompletedTask; }
            [Query] public string Status() { var local = _status; local += "!"; return local; }
            [Update] public int AddApprover(string who) { _approvers.Add(who); _status = "changed"; return _approvers.Count; }
            [UpdateValidator(nameof(AddApprover))] public void ValidateAddApprover(string who) { if (who.Length == 0) throw new ArgumentException("empty"); }
        }
        """);

    [Test]
    public Task HandlerAttributes_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class SignalAttribute : Attribute { }
        public sealed class QueryAttribute : Attribute { }

        public class Approval
        {
            private int _n;
            [Signal] public int Approve() => 1;
            [Query] public int Count() => ++_n;
        }
        """);
}
