using System.Reflection;
using System.Text.RegularExpressions;
using Currant.Tests.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Currant.Tests.Analyzers;

/// <summary>Every rule is documented, tracked in the release files, in its ID range, and tested.</summary>
public sealed partial class DiagnosticCatalogTests
{
    private static readonly Assembly AnalyzerAssembly = typeof(Currant.Analyzers.WorkflowCodeAnalyzer).Assembly;

    private static IEnumerable<DiagnosticDescriptor> Descriptors()
        => AnalyzerAssembly.GetTypes()
            .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract)
            .SelectMany(type => ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
            .OrderBy(descriptor => descriptor.Id, StringComparer.Ordinal);

    private static IEnumerable<TestCaseData> Rules()
        => Descriptors().Select(descriptor => new TestCaseData(descriptor).SetArgDisplayNames(descriptor.Id));

    [Test]
    public void EveryRule_IsReportedByExactlyOneAnalyzer()
    {
        var ids = Descriptors().Select(descriptor => descriptor.Id).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.Count.GreaterThanOrEqualTo(24));
    }

    [TestCaseSource(nameof(Rules))]
    public void Rule_HasAnIdInTheRangeOfItsCategory(DiagnosticDescriptor rule)
    {
        Assert.That(rule.Id, Does.Match("^CUR[1-3][0-9]{3}$"));
        var (expectedCategory, expectedSeverity) = rule.Id[3] switch
        {
            '1' => ("Currant.Determinism", (DiagnosticSeverity?)DiagnosticSeverity.Warning),
            '2' => ("Currant.Declaration", DiagnosticSeverity.Error),
            _ => ("Currant.Usage", null),
        };
        Assert.Multiple(() =>
        {
            Assert.That(rule.Category, Is.EqualTo(expectedCategory));
            if (expectedSeverity is not null)
            {
                Assert.That(rule.DefaultSeverity, Is.EqualTo(expectedSeverity));
            }

            Assert.That(rule.IsEnabledByDefault, Is.True);
        });
    }

    [TestCaseSource(nameof(Rules))]
    public void Rule_HasAHelpPageThatItLinksTo(DiagnosticDescriptor rule)
    {
        var page = RepositoryPaths.Combine("Currant.Analyzers", "docs", rule.Id + ".md");
        Assert.That(File.Exists(page), Is.True, $"missing help page {page}");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadLines(page).First(), Is.EqualTo($"# {rule.Id}: {rule.Title}"));
            Assert.That(rule.HelpLinkUri, Does.EndWith($"/Currant.Analyzers/docs/{rule.Id}.md"));
        });
    }

    [TestCaseSource(nameof(Rules))]
    public void Rule_IsTrackedInTheReleaseFiles(DiagnosticDescriptor rule)
    {
        var rows = ReleaseRows().Where(row => row.Id == rule.Id).ToList();
        Assert.That(rows, Has.Count.EqualTo(1), $"{rule.Id} must appear once in AnalyzerReleases.Shipped.md/Unshipped.md");
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Category, Is.EqualTo(rule.Category));
            Assert.That(rows[0].Severity, Is.EqualTo(rule.DefaultSeverity.ToString()));
        });
    }

    [TestCaseSource(nameof(Rules))]
    public void Rule_HasATestFixtureThatExpectsIt(DiagnosticDescriptor rule)
    {
        var tests = Directory.GetFiles(RepositoryPaths.Combine("Currant.Tests", "Analyzers"), "*Tests.cs")
            .Where(file => !file.EndsWith(nameof(DiagnosticCatalogTests) + ".cs", StringComparison.Ordinal));
        Assert.That(tests.Any(file => File.ReadAllText(file).Contains('"' + rule.Id + '"') || File.ReadAllText(file).Contains("{|" + rule.Id + ":")),
            Is.True, $"no test expects {rule.Id}");
    }

    [Test]
    public void HelpPagesAndReleaseRows_HaveNoRuleLeftOver()
    {
        var ids = Descriptors().Select(descriptor => descriptor.Id).ToHashSet();
        var pages = Directory.GetFiles(RepositoryPaths.Combine("Currant.Analyzers", "docs"), "CUR*.md").Select(Path.GetFileNameWithoutExtension);
        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.SubsetOf(ids));
            Assert.That(ReleaseRows().Select(row => row.Id), Is.SubsetOf(ids));
        });
    }

    [Test]
    public void CodeFixes_OnlyFixRulesThatExist()
    {
        var ids = Descriptors().Select(descriptor => descriptor.Id).ToHashSet();
        var fixable = AnalyzerAssembly.GetTypes()
            .Where(type => typeof(CodeFixProvider).IsAssignableFrom(type) && !type.IsAbstract)
            .SelectMany(type => ((CodeFixProvider)Activator.CreateInstance(type)!).FixableDiagnosticIds);
        Assert.That(fixable, Is.SubsetOf(ids));
    }

    private static IEnumerable<(string Id, string Category, string Severity)> ReleaseRows()
    {
        foreach (var file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            foreach (var line in File.ReadLines(RepositoryPaths.Combine("Currant.Analyzers", file)))
            {
                var match = ReleaseRow().Match(line);
                if (match.Success)
                {
                    yield return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
                }
            }
        }
    }

    [GeneratedRegex(@"^(CUR\d{4})\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|")]
    private static partial Regex ReleaseRow();
}
