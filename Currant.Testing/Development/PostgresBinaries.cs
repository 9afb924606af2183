using System.Globalization;

namespace Currant.Development;

/// <summary>Finds the PostgreSQL server tools (<c>initdb</c>, <c>pg_ctl</c>) installed on this machine.</summary>
internal sealed class PostgresBinaries
{
    public const string BinDirectoryVariable = "CURRANT_PG_BIN";

    /// <summary>Folders whose children are versioned installations, with the child-name prefix before the version.</summary>
    public static readonly IReadOnlyList<(string Parent, string Prefix)> DefaultInstallRoots =
    [
        ("/usr/lib/postgresql", ""),       // Debian, Ubuntu: /usr/lib/postgresql/15/bin
        ("/usr", "pgsql-"),                // PGDG RPMs: /usr/pgsql-16/bin
        ("/opt/homebrew/opt", "postgresql@"), // Homebrew on Apple silicon
        ("/usr/local/opt", "postgresql@"),    // Homebrew on Intel
    ];

    private PostgresBinaries(string binDirectory) => BinDirectory = Path.GetFullPath(binDirectory);

    public string BinDirectory { get; }

    public string Initdb => Path.Combine(BinDirectory, Executable("initdb"));

    public string PgCtl => Path.Combine(BinDirectory, Executable("pg_ctl"));

    public static Task<PostgresBinaries> LocateAsync(CancellationToken ct)
        => LocateAsync(Environment.GetEnvironmentVariable, DefaultInstallRoots, ct);

    /// <summary>
    /// Looks in order at <c>CURRANT_PG_BIN</c>, <c>pg_config --bindir</c> (pg_config from PATH), the newest versioned
    /// installation under <paramref name="installRoots"/>, then PATH itself.
    /// </summary>
    public static async Task<PostgresBinaries> LocateAsync(
        Func<string, string?> environment, IReadOnlyList<(string Parent, string Prefix)> installRoots, CancellationToken ct)
    {
        var configured = environment(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (HasServerTools(configured))
                return new PostgresBinaries(configured);
            throw new InvalidOperationException(
                $"{BinDirectoryVariable} is '{configured}', but that folder holds no initdb and pg_ctl. " +
                $"Point {BinDirectoryVariable} at the bin folder of a PostgreSQL server installation, or unset it to search the usual places.");
        }

        var searched = new List<string>();
        var path = (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var pgConfig = FindOnPath(Executable("pg_config"), path);
        if (pgConfig is not null)
        {
            var bindir = await PgConfigBinDirectoryAsync(pgConfig, ct).ConfigureAwait(false);
            searched.Add($"{pgConfig} --bindir ({bindir ?? "failed"})");
            if (bindir is not null && HasServerTools(bindir))
                return new PostgresBinaries(bindir);
        }
        else
        {
            searched.Add("pg_config on PATH (not found)");
        }

        foreach (var (parent, prefix) in installRoots)
        {
            searched.Add(Path.Combine(parent, prefix + "*", "bin"));
            var newest = NewestInstallation(parent, prefix);
            if (newest is not null)
                return new PostgresBinaries(newest);
        }

        searched.Add("every folder on PATH");
        foreach (var directory in path)
        {
            if (HasServerTools(directory))
                return new PostgresBinaries(directory);
        }

        throw new InvalidOperationException(
            "Could not find the PostgreSQL server programs (initdb, pg_ctl) to start a local database. Install them " +
            "(Debian/Ubuntu: 'apt-get install postgresql'; Fedora/RHEL: 'dnf install postgresql-server'; macOS: 'brew install postgresql@17'), " +
            $"or set {BinDirectoryVariable} to the folder that holds initdb, or point CURRANT_DATABASE_URL (tests: CURRANT_TEST_DATABASE_URL) " +
            "at a server you already run. Looked at: " + string.Join("; ", searched) + ".");
    }

    private static string? NewestInstallation(string parent, string prefix)
    {
        if (!Directory.Exists(parent))
            return null;

        string[] children;
        try
        {
            children = Directory.GetDirectories(parent, prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return children
            .Select(child => (Bin: Path.Combine(child, "bin"), Version: ParseVersion(Path.GetFileName(child).AsSpan(prefix.Length))))
            .Where(candidate => candidate.Version is not null && HasServerTools(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static Version? ParseVersion(ReadOnlySpan<char> text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
            return new Version(major, 0);
        return Version.TryParse(text, out var version) ? version : null;
    }

    private static async Task<string?> PgConfigBinDirectoryAsync(string pgConfig, CancellationToken ct)
    {
        try
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], Path.GetTempPath(), TimeSpan.FromSeconds(10), ct)
                .ConfigureAwait(false);
            return result.Succeeded && result.Output.Length > 0 ? result.Output.Split('\n')[0].Trim() : null;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            return null;
        }
    }

    private static string? FindOnPath(string fileName, IEnumerable<string> path)
        => path.Select(directory => Path.Combine(directory, fileName)).FirstOrDefault(File.Exists);

    private static bool HasServerTools(string directory)
        => File.Exists(Path.Combine(directory, Executable("initdb"))) && File.Exists(Path.Combine(directory, Executable("pg_ctl")));

    private static string Executable(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;
}
