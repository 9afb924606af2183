using Verify = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>CUR2011: the generated invoker needs one public constructor it can call (no code fix).</summary>
public sealed class UnusableConstructorRuleTests
{
    [Test]
    public Task UnusableConstructors_AreReported() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class {|#0:Hidden|}
        {
            private Hidden() { }
            public Task ExecuteAsync() => Task.CompletedTask;
        }

        [Job]
        public partial class {|#1:Torn|}
        {
            public Torn(HttpClient http) { }
            public Torn(IServiceProvider services) { }
            public Task ExecuteAsync() => Task.CompletedTask;
        }

        [Activity]
        public partial class {|#2:Strict|}
        {
            public required string Region { get; init; }
            public Task ExecuteAsync() => Task.CompletedTask;
        }

        [Job]
        public partial class {|#3:ByRef|}
        {
            public ByRef(in DateTime now) { }
            public Task ExecuteAsync() => Task.CompletedTask;
        }
        """,
        Verify.Diagnostic("CUR2011").WithLocation(0).WithArguments("Job", "Hidden", "has no public constructor"),
        Verify.Diagnostic("CUR2011").WithLocation(1).WithArguments("Job", "Torn", "has 2 public constructors with 1 parameters, so none is the obvious choice"),
        Verify.Diagnostic("CUR2011").WithLocation(2).WithArguments("Activity", "Strict", "has required members its constructor does not set (mark the constructor [SetsRequiredMembers])"),
        Verify.Diagnostic("CUR2011").WithLocation(3).WithArguments("Job", "ByRef", "takes constructor parameter 'now', which the service provider cannot supply (by reference, a pointer or a ref struct)"));

    [Test]
    public Task UsableConstructors_AreSilent() => Verify.VerifyAsync("""
        using System.Diagnostics.CodeAnalysis;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Currant;

        [Job]
        public partial class Implicit { public Task ExecuteAsync() => Task.CompletedTask; }

        [Job]
        public partial class Primary(HttpClient http) { public Task<string> ExecuteAsync(string url) => http.GetStringAsync(url); }

        [Job]
        public partial class MostParametersWins
        {
            public MostParametersWins() { }
            public MostParametersWins(HttpClient http) { }
            public Task ExecuteAsync() => Task.CompletedTask;
        }

        [Activity]
        public partial class Configured
        {
            [SetsRequiredMembers]
            public Configured() => Region = "eu";
            public required string Region { get; init; }
            public Task ExecuteAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task UnusableConstructors_WithoutCurrant_AreSilent() => Verify.VerifyWithoutCurrantAsync("""
        using System;

        public sealed class JobAttribute : Attribute { }

        [Job]
        public partial class Hidden
        {
            private Hidden() { }
        }
        """);
}
