namespace Currant.Development;

/// <summary>
/// The operating-system account the server runs under. PostgreSQL refuses to run as root, so a root process runs the
/// tools as the <c>postgres</c> account through <c>runuser</c>; anyone else runs them as themselves.
/// </summary>
internal sealed class PostgresOsUser
{
    public const string AccountName = "postgres";

    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];

    private readonly string? _runuser;

    private PostgresOsUser(string? name, string? runuser)
    {
        Name = name;
        _runuser = runuser;
    }

    /// <summary>The account to switch to, or <see langword="null"/> to run as the current user.</summary>
    public string? Name { get; }

    public static async Task<PostgresOsUser> ResolveAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
            return new PostgresOsUser(null, null);

        var runuser = RunuserLocations.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "PostgreSQL refuses to run as root, and 'runuser' (util-linux) was not found to run it as the " +
            $"'{AccountName}' account. Run as a non-root user, or install util-linux.");

        var lookup = await ProcessRunner.RunAsync("id", ["-u", AccountName], Path.GetTempPath(), TimeSpan.FromSeconds(10), ct)
            .ConfigureAwait(false);
        if (!lookup.Succeeded)
        {
            throw new InvalidOperationException(
                $"PostgreSQL refuses to run as root, and this machine has no '{AccountName}' account to run it as. " +
                "Installing PostgreSQL from the distribution creates it (Debian/Ubuntu: 'apt-get install postgresql'); " +
                "otherwise run as a non-root user, or point CURRANT_DATABASE_URL (tests: CURRANT_TEST_DATABASE_URL) at a server you already run.");
        }

        return new PostgresOsUser(AccountName, runuser);
    }

    /// <summary>The command line that runs <paramref name="fileName"/> as this account.</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string fileName, IReadOnlyList<string> arguments)
        => _runuser is null ? (fileName, arguments) : (_runuser, ["-u", Name!, "--", fileName, .. arguments]);

    /// <summary>The same as <see cref="Wrap"/>, as one POSIX shell command line.</summary>
    public string ShellCommand(string fileName, IReadOnlyList<string> arguments)
    {
        var (file, args) = Wrap(fileName, arguments);
        return string.Join(' ', args.Prepend(file).Select(ShellQuote));
    }

    /// <summary>Makes <paramref name="directory"/> belong to this account, so the server can write into it.</summary>
    public async Task TakeOwnershipAsync(string directory, CancellationToken ct)
    {
        if (Name is null)
            return;
        var result = await ProcessRunner.RunAsync("chown", [Name, directory], Path.GetTempPath(), TimeSpan.FromSeconds(10), ct)
            .ConfigureAwait(false);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not give '{directory}' to the '{Name}' account: {result.Output}");
    }

    /// <summary>
    /// Fails clearly when this account could not reach <paramref name="directory"/>: every folder above it must let
    /// others pass through (the x bit), or initdb dies with a bare "permission denied".
    /// </summary>
    public void EnsureCanReach(string directory)
    {
        if (Name is null || OperatingSystem.IsWindows())
            return;
        for (var current = Path.GetDirectoryName(Path.GetFullPath(directory)); current is not null; current = Path.GetDirectoryName(current))
        {
            if ((File.GetUnixFileMode(current) & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"The '{Name}' account cannot reach '{directory}' because '{current}' does not let other users through " +
                    "(chmod o+x). Set CURRANT_TMP to a folder under /tmp, or allow traversal of that folder.");
            }
        }
    }

    /// <summary>Quotes <paramref name="value"/> for a POSIX shell (pg_ctl hands its -o options to /bin/sh).</summary>
    public static string ShellQuote(string value)
        => value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '=' or ':' or ',')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
