using Currant.Development;

namespace Currant.Tests.Development;

public sealed class PostgresBinariesTests
{
    private string _root = null!;

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("currant-bin-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task LocateAsync_WithSeveralVersions_PicksTheNewest()
    {
        foreach (var version in new[] { "9.6", "14", "16", "broken" })
            FakeInstallation(Path.Combine(_root, "pg", version, "bin"));

        var binaries = await PostgresBinaries.LocateAsync(Environment(path: _root), [(Path.Combine(_root, "pg"), "")], CancellationToken.None);

        Assert.That(binaries.BinDirectory, Is.EqualTo(Path.Combine(_root, "pg", "16", "bin")));
    }

    [Test]
    public async Task LocateAsync_WithCurrantPgBin_UsesItFirst()
    {
        var chosen = Path.Combine(_root, "chosen");
        FakeInstallation(chosen);
        FakeInstallation(Path.Combine(_root, "pg", "17", "bin"));

        var binaries = await PostgresBinaries.LocateAsync(Environment(path: _root, pgBin: chosen), [(Path.Combine(_root, "pg"), "")], CancellationToken.None);

        Assert.That(binaries.BinDirectory, Is.EqualTo(chosen));
    }

    [Test]
    public void LocateAsync_WhenCurrantPgBinHasNoServer_SaysSo()
    {
        Assert.That(
            async () => await PostgresBinaries.LocateAsync(Environment(path: _root, pgBin: _root), [], CancellationToken.None),
            Throws.InvalidOperationException.With.Message.Contains("CURRANT_PG_BIN").And.Message.Contains(_root));
    }

    [Test]
    public void LocateAsync_WhenNothingIsInstalled_NamesWhatToInstall()
    {
        Assert.That(
            async () => await PostgresBinaries.LocateAsync(Environment(path: _root), [(Path.Combine(_root, "none"), "")], CancellationToken.None),
            Throws.InvalidOperationException.With.Message.Contains("apt-get install postgresql").And.Message.Contains("CURRANT_PG_BIN"));
    }

    private static Func<string, string?> Environment(string path, string? pgBin = null)
        => name => name switch
        {
            "PATH" => path,
            PostgresBinaries.BinDirectoryVariable => pgBin,
            _ => null,
        };

    private static void FakeInstallation(string bin)
    {
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "initdb"), "");
        File.WriteAllText(Path.Combine(bin, "pg_ctl"), "");
    }
}
