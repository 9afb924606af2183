using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Currant.Tests.Analyzers.Infrastructure;

/// <summary>
/// Applies a code fix and compares the result. The test framework also applies Fix All (document, project and
/// solution scope) and requires the same result, so a source with several diagnostics tests Fix All too.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task VerifyAsync(string source, string fixedSource, params DiagnosticResult[] expected)
        => VerifyAsync(source, fixedSource, codeActionEquivalenceKey: null, expected);

    public static Task VerifyAsync(string source, string fixedSource, string? codeActionEquivalenceKey, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            ReferenceAssemblies = TestReferences.None,
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = codeActionEquivalenceKey,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.FrameworkReferences);
        test.TestState.AdditionalReferences.AddRange(TestReferences.CurrantReferences);
        // Diagnostics left in the fixed code (those without a fix) are written as markup there too.
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
