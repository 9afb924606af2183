using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.ContinueAsNewAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.ContinueAsNewAnalyzer, Currant.Analyzers.CodeFixes.ThrowContinueAsNewCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3030: a ContinueAsNew(...) whose exception is discarded instead of thrown.</summary>
public sealed class ContinueAsNewRuleTests
{
    // What the generator writes for a workflow, by hand: the verifier runs analyzers only.
    private const string Stub = """
            public static ContinueAsNewException ContinueAsNew(int cursor) => WorkflowStub.ContinueAsNew(null!, new byte[0]);
        """;

    [Test]
    public Task DiscardedContinueAsNew_IsReported() => Verify.VerifyAsync($$"""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Poll
        {
        {{Stub}}

            public async Task<int> RunAsync(int cursor)
            {
                await Workflow.Sleep(System.TimeSpan.FromMinutes(1));
                {|#0:ContinueAsNew(cursor + 1)|};
                return cursor;
            }
        }
        """,
        Verify.Diagnostic("CUR3030").WithLocation(0).WithArguments("Poll.ContinueAsNew(...)"));

    [Test]
    public Task ThrownOrKept_IsSilent() => Verify.VerifyAsync($$"""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Poll
        {
        {{Stub}}

            public async Task<int> RunAsync(int cursor)
            {
                await Workflow.Sleep(System.TimeSpan.FromMinutes(1));
                var next = ContinueAsNew(cursor + 2);
                if (cursor > 10)
                {
                    throw next;
                }

                throw ContinueAsNew(cursor + 1);
            }
        }
        """);

    [Test]
    public Task DiscardedCall_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        public sealed class ContinueAsNewException : System.Exception
        {
        }

        public static class Poll
        {
            public static ContinueAsNewException ContinueAsNew(int cursor) => new();

            public static void Call() => ContinueAsNew(1);
        }
        """);

    [Test]
    public Task CodeFix_ThrowsIt() => VerifyFix.VerifyAsync($$"""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Poll
        {
        {{Stub}}

            public Task<int> {|CS0161:RunAsync|}(int cursor)
            {
                {|CUR3030:ContinueAsNew(cursor + 1)|};
            }
        }
        """, $$"""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Poll
        {
        {{Stub}}

            public Task<int> RunAsync(int cursor)
            {
                throw ContinueAsNew(cursor + 1);
            }
        }
        """);
}
