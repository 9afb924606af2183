using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.GetVersionAnalyzer>;
using VerifyFix = Currant.Tests.Analyzers.Infrastructure.CodeFixVerifier<Currant.Analyzers.GetVersionAnalyzer, Currant.Analyzers.CodeFixes.SwapVersionBoundsCodeFixProvider>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR3004: Workflow.GetVersion with minSupported greater than maxSupported.</summary>
public sealed class VersionRangeRuleTests
{
    [Test]
    public Task InvertedBounds_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync() => Task.FromResult({|#0:Workflow.GetVersion("send-sms", 3, 1)|});
        }
        """,
        Verify.Diagnostic("CUR3004").WithLocation(0).WithArguments("send-sms", 3, 1));

    [Test]
    public Task OrderedOrEqualBounds_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync(int max) => Task.FromResult(Workflow.GetVersion("a", 1, 2) + Workflow.GetVersion("b", 2, 2) + Workflow.GetVersion("c", 5, max));
        }
        """);

    [Test]
    public Task InvertedBounds_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        public static class Workflow
        {
            public static int GetVersion(string changeId, int minSupported, int maxSupported) => maxSupported;
        }

        public static class Caller
        {
            public static int Call() => Workflow.GetVersion("x", 2, 1);
        }
        """);

    [Test]
    public Task CodeFix_SwapsEveryInvertedPair() => VerifyFix.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync()
                => Task.FromResult({|CUR3004:Workflow.GetVersion("a", 3, 1)|} + {|CUR3004:Workflow.GetVersion("b", maxSupported: 1, minSupported: 2)|});
        }
        """, """
        using System.Threading.Tasks;
        using Currant;

        [Workflow]
        public partial class Order
        {
            public Task<int> RunAsync()
                => Task.FromResult(Workflow.GetVersion("a", 1, 3) + Workflow.GetVersion("b", maxSupported: 2, minSupported: 1));
        }
        """);
}
