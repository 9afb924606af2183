using System.Collections.Immutable;
using System.Text;
using Currant.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Currant.Tests.Generators;

/// <summary>Runs <see cref="ExecutionGenerator"/> with <see cref="CSharpGeneratorDriver"/> over in-memory sources.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // What the SDK's ImplicitUsings adds, so test sources look like user code.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // Everything the test host loads: the framework, Currant.Runtime and its dependencies, and this test assembly
    // (sources use its public test doubles).
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    public static CSharpCompilation CreateCompilation(string assemblyName, params string[] sources)
        => CreateCompilation(assemblyName, ParseOptions, sources);

    public static CSharpCompilation CreateCompilation(string assemblyName, CSharpParseOptions parseOptions, params string[] sources)
    {
        var trees = sources
            .Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Source{i}.cs", encoding: Encoding.UTF8))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, parseOptions, path: "ImplicitUsings.cs", encoding: Encoding.UTF8));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                // The SDK's defaults: assembly version unification notes are not warnings.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
    }

    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null)
        => CSharpGeneratorDriver.Create(
            [new ExecutionGenerator().AsSourceGenerator()],
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation("Currant.GeneratorTests", sources));

    public static GeneratorRun Run(Compilation compilation, CSharpParseOptions? parseOptions = null)
    {
        var driver = CreateDriver(parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(driver.GetRunResult(), output);
    }
}

/// <summary>The result of one generator run and the compilation that includes its output.</summary>
internal sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output)
{
    public IReadOnlyList<string> HintNames => Result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();

    public string Source(string hintName)
    {
        var sources = Result.Results.SelectMany(r => r.GeneratedSources).ToList();
        var match = sources.FirstOrDefault(s => s.HintName == hintName);
        Assert.That(match.HintName, Is.EqualTo(hintName), $"No generated file '{hintName}'; generated: {string.Join(", ", HintNames)}");
        return match.SourceText.ToString();
    }

    /// <summary>Fails unless the generator ran without diagnostics and the user code plus generated code compile without warnings.</summary>
    public void AssertCompilesCleanly()
    {
        var generatorDiagnostics = Result.Diagnostics;
        Assert.That(generatorDiagnostics, Is.Empty, "The generator reported: " + string.Join("\n", generatorDiagnostics));

        var problems = Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count > 0)
        {
            var generated = string.Join("\n", Result.GeneratedTrees.Select(t => $"==== {Path.GetFileName(t.FilePath)}\n{t}"));
            Assert.Fail("The compilation has diagnostics:\n" + string.Join("\n", problems) + "\n\nGenerated code:\n" + generated);
        }
    }
}
