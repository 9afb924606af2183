using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Currant.Tests.Analyzers.Infrastructure;

/// <summary>Runs one analyzer over test sources and compares its diagnostics with the markup.</summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    /// <summary>Compiles <paramref name="sources"/> against Currant.Runtime and checks the marked diagnostics.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync([source], expected);

    public static Task VerifyAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = Create(withCurrant: true);
        foreach (var source in sources)
        {
            test.TestState.Sources.Add(source);
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Compiles <paramref name="source"/> without Currant.Runtime: the analyzer must stay silent and not fail.</summary>
    public static Task VerifyWithoutCurrantAsync(string source)
    {
        var test = Create(withCurrant: false);
        test.TestCode = source;
        return test.RunAsync();
    }

    private static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> Create(bool withCurrant)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { ReferenceAssemblies = TestReferences.None };
        test.TestState.AdditionalReferences.AddRange(TestReferences.FrameworkReferences);
        if (withCurrant)
        {
            test.TestState.AdditionalReferences.AddRange(TestReferences.CurrantReferences);
        }

        return test;
    }
}
