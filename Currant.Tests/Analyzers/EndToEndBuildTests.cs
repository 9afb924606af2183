using System.Text.RegularExpressions;
using Currant.Tests.Analyzers.Infrastructure;

namespace Currant.Tests.Analyzers;

/// <summary>
/// The analyzers as a user meets them: through <c>dotnet build</c> of real projects. The deliberately bad sample
/// marks every expected diagnostic with a "// expect CUR####" comment on its line; clean projects (the good sample
/// and every examples/*/*.csproj) must build with no Currant diagnostic at all.
/// </summary>
[NonParallelizable]
public sealed partial class EndToEndBuildTests
{
    private static string Samples => RepositoryPaths.Combine("Currant.Analyzers", "samples");

    private static IEnumerable<TestCaseData> CleanProjects()
    {
        yield return new TestCaseData(Path.Combine(Samples, "GoodWorkflow", "GoodWorkflow.csproj")).SetArgDisplayNames("samples/GoodWorkflow");
        var examples = RepositoryPaths.Combine("examples");
        if (Directory.Exists(examples))
        {
            foreach (var project in Directory.GetFiles(examples, "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                yield return new TestCaseData(project).SetArgDisplayNames(Path.GetRelativePath(RepositoryPaths.Root, project).Replace('\\', '/'));
            }
        }
    }

    [Test]
    public void BadSample_ReportsExactlyTheMarkedDiagnostics()
    {
        var sample = Path.Combine(Samples, "BadWorkflow");
        var expected = Directory.GetFiles(sample, "*.cs")
            .SelectMany(file => File.ReadLines(file).Select((text, index) => (File: Path.GetFileName(file), Line: index + 1, Text: text)))
            .SelectMany(line => ExpectMarker().Match(line.Text) is { Success: true } match
                ? match.Groups["ids"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(id => $"{line.File}({line.Line}): {id}")
                : [])
            .Order(StringComparer.Ordinal)
            .ToList();

        var result = DotnetBuild.Run(Path.Combine(sample, "BadWorkflow.csproj"));

        var actual = result.Diagnostics
            .Where(diagnostic => diagnostic.Id.StartsWith("CUR", StringComparison.Ordinal))
            .Select(diagnostic => $"{diagnostic.File}({diagnostic.Line}): {diagnostic.Id}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var otherErrors = result.Diagnostics.Where(diagnostic => diagnostic.Severity == "error" && !diagnostic.Id.StartsWith("CUR", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(expected, Has.Count.GreaterThan(15), "the sample lost its markers");
            Assert.That(actual, Is.EqualTo(expected), result.Output);
            Assert.That(otherErrors, Is.Empty, "the sample must fail only because of Currant's errors:\n" + result.Output);
        });
    }

    [TestCaseSource(nameof(CleanProjects))]
    public void CleanProject_BuildsWithNoCurrantDiagnostics(string project)
    {
        // 'force' adds the analyzers to a project that does not reference them, so examples are checked either way.
        var result = DotnetBuild.Run(project, currantAnalyzers: "force");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Output);
            Assert.That(result.Diagnostics.Where(diagnostic => diagnostic.Id.StartsWith("CUR", StringComparison.Ordinal)), Is.Empty, result.Output);
        });
    }

    [Test]
    public void BadSample_WithAnalyzersSwitchedOff_ReportsNothing()
    {
        // Checks the switch measure-build.sh relies on to time builds without the analyzers.
        var result = DotnetBuild.Run(Path.Combine(Samples, "BadWorkflow", "BadWorkflow.csproj"), currantAnalyzers: "false");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Output);
            Assert.That(result.Diagnostics.Where(diagnostic => diagnostic.Id.StartsWith("CUR", StringComparison.Ordinal)), Is.Empty, result.Output);
        });
    }

    [GeneratedRegex(@"// expect (?<ids>(?:CUR\d{4}\s*)+)$")]
    private static partial Regex ExpectMarker();
}
