using System.Runtime.CompilerServices;
using Currant.Generators;

namespace Currant.Tests.Generators;

/// <summary>
/// Compares generated code with <c>Golden/&lt;case&gt;.g.cs</c>. <c>CURRANT_ACCEPT_GOLDEN=1</c> rewrites the files
/// (refused when <c>CI=true</c>: a golden change is a reviewed change). The generator version is replaced by
/// <c>VERSION</c> so a version bump does not rewrite every file.
/// </summary>
internal static class GoldenFile
{
    private const string VersionPlaceholder = "VERSION";

    public static void AssertMatches(string caseName, string actual)
    {
        var path = Path.Combine(Directory(), caseName + ".g.cs");
        actual = Normalize(actual).Replace(
            $"GeneratedCode(\"Currant.Generators\", \"{ExecutionEmitter.Version}\")",
            $"GeneratedCode(\"Currant.Generators\", \"{VersionPlaceholder}\")",
            StringComparison.Ordinal);

        if (Environment.GetEnvironmentVariable("CURRANT_ACCEPT_GOLDEN") == "1")
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("CURRANT_ACCEPT_GOLDEN=1 is refused when CI=true: accept golden files locally, review the diff and commit them.");
            }

            if (!File.Exists(path) || Normalize(File.ReadAllText(path)) != actual)
            {
                File.WriteAllText(path, actual);
                TestContext.Out.WriteLine($"Rewrote {path}; review it with 'git diff'.");
            }

            return;
        }

        if (!File.Exists(path))
        {
            Assert.Fail($"Missing golden file {path}. Run the tests with CURRANT_ACCEPT_GOLDEN=1 to create it, then review and commit it.\n\nGenerated:\n{actual}");
        }

        var expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail($"The generated code differs from {path}:\n{LineDiff.Format(expected, actual)}\n" +
                        "If the change is intended, rerun with CURRANT_ACCEPT_GOLDEN=1 and review the diff in git.");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// The Golden folder beside this source file; if the build mapped source paths away (deterministic CI builds),
    /// the same folder found above the test output directory.
    /// </summary>
    private static string Directory([CallerFilePath] string sourcePath = "")
    {
        var beside = Path.Combine(Path.GetDirectoryName(sourcePath) ?? ".", "Golden");
        if (System.IO.Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Currant.Tests", "Generators", "Golden");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Cannot find Currant.Tests/Generators/Golden (looked beside {sourcePath} and above {AppContext.BaseDirectory}).");
    }
}
