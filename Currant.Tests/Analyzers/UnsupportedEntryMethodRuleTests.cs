using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2006: entry methods that are static, not public, generic or do not return a task (no code fix).</summary>
public sealed class UnsupportedEntryMethodRuleTests
{
    [Test]
    public Task UnsupportedShapes_AreReported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class A { public static Task {|#0:ExecuteAsync|}() => Task.CompletedTask; }

        [Job]
        public partial class B { private Task {|#1:ExecuteAsync|}() => Task.CompletedTask; }

        [Job]
        public partial class C { public Task {|#2:ExecuteAsync|}<T>(T item) => Task.CompletedTask; }

        [Workflow]
        public partial class D { public int {|#3:RunAsync|}() => 1; }

        [Activity]
        public partial class E { internal Task {|#4:ExecuteAsync|}() => Task.CompletedTask; }
        """,
        Verify.Diagnostic("CUR2006").WithLocation(0).WithArguments("A.ExecuteAsync", "Job", "A", "it must be an instance method"),
        Verify.Diagnostic("CUR2006").WithLocation(1).WithArguments("B.ExecuteAsync", "Job", "B", "it must be public"),
        Verify.Diagnostic("CUR2006").WithLocation(2).WithArguments("C.ExecuteAsync", "Job", "C", "it must not be generic"),
        Verify.Diagnostic("CUR2006").WithLocation(3).WithArguments("D.RunAsync", "Workflow", "D", "it must return Task, Task<T>, ValueTask or ValueTask<T>"),
        Verify.Diagnostic("CUR2006").WithLocation(4).WithArguments("E.ExecuteAsync", "Activity", "E", "it must be public"));

    [Test]
    public Task SupportedShapes_AreSilent() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class A { public Task ExecuteAsync() => Task.CompletedTask; }

        [Job]
        public partial class B { public Task<int> ExecuteAsync() => Task.FromResult(1); }

        [Activity]
        public partial class C { public ValueTask ExecuteAsync() => default; }

        [Workflow]
        public partial class D { public async ValueTask<int> RunAsync() { await Task.Yield(); return 1; } }
        """);

    [Test]
    public Task UnsupportedShapes_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public partial class A { public static void ExecuteAsync() { } }
        """);
}
