using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.GetVersionAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3003: Workflow.GetVersion with a change id that is not a constant (no code fix).</summary>
public sealed class NonConstantChangeIdRuleTests
{
    [Test]
    public Task ComputedChangeId_IsReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(string feature)
                => Task.FromResult(Workflow.GetVersion({|CUR3003:feature|}, 1, 2) + Workflow.GetVersion({|CUR3003:"sms-" + feature|}, 1, 2));
        }
        """);

    [Test]
    public Task ConstantChangeIds_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            private const string Sms = "send-sms";

            public Task<int> RunAsync()
                => Task.FromResult(Workflow.GetVersion("send-sms", 1, 2) + Workflow.GetVersion(Sms, 1, 2)
                    + Workflow.GetVersion(nameof(Order) + "-v2", 1, 1) + Workflow.GetVersion(maxSupported: 3, minSupported: 1, changeId: "x"));
        }
        """);

    [Test]
    public Task ComputedChangeId_WithoutCurrant_IsSilent() => Verify.VerifyWithoutCurrantAsync("""
        public static class Workflow
        {
            public static int GetVersion(string changeId, int minSupported, int maxSupported) => maxSupported;
        }

        public static class Caller
        {
            public static int Call(string id) => Workflow.GetVersion(id, 2, 1);
        }
        """);
}
