using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Currant.Tests.Analyzers.Infrastructure;

/// <summary>
/// Runs <c>dotnet build</c> on a project the way a user would and parses the diagnostics it prints. References are
/// built incrementally (the test run has just built them, so they are up to date); the project itself always
/// compiles, because its intermediate assembly is deleted first.
/// </summary>
internal static partial class DotnetBuild
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The configuration this test assembly was built in, so the project uses the same outputs.</summary>
    private static string Configuration { get; } =
        typeof(DotnetBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static BuildResult Run(string project, string? currantAnalyzers = null)
    {
        var projectDirectory = Path.GetDirectoryName(project)!;
        var intermediate = Path.Combine(projectDirectory, "obj", Configuration);
        if (Directory.Exists(intermediate))
        {
            foreach (var assembly in Directory.GetFiles(intermediate, Path.GetFileNameWithoutExtension(project) + ".dll", SearchOption.AllDirectories))
            {
                File.Delete(assembly);
            }
        }

        var arguments = new List<string>
        {
            "build", project, "-c", Configuration, "-nologo", "-clp:NoSummary", "-nodeReuse:false", "-p:UseSharedCompilation=false",
        };
        if (currantAnalyzers is not null)
        {
            arguments.Add("-p:CurrantAnalyzers=" + currantAnalyzers);
            arguments.Add("-p:CurrantAnalyzersProject=" + Path.GetFullPath(project));
            arguments.Add("-p:CustomAfterMicrosoftCommonTargets=" + RepositoryPaths.Combine("Currant.Analyzers", "samples", "CurrantAnalyzers.targets"));
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = projectDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host may run under MSBuild's own environment; a nested build must not inherit it.
        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet build {project} did not finish within {Timeout}:\n{output}");
        }

        process.WaitForExit();
        var text = output.ToString();
        var diagnostics = DiagnosticLine().Matches(text)
            .Select(match => new BuildDiagnostic(
                Path.GetRelativePath(projectDirectory, match.Groups["file"].Value).Replace('\\', '/'),
                int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["severity"].Value,
                match.Groups["id"].Value))
            .Distinct()
            .ToList();
        return new BuildResult(process.ExitCode, text, diagnostics);
    }

    [GeneratedRegex(@"^\s*(?<file>[^\r\n]+?)\((?<line>\d+),\d+(?:,\d+,\d+)?\): (?<severity>warning|error) (?<id>[A-Z]+\d+):", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();
}

internal sealed record BuildDiagnostic(string File, int Line, string Severity, string Id)
{
    public override string ToString() => $"{File}({Line}): {Severity} {Id}";
}

internal sealed record BuildResult(int ExitCode, string Output, IReadOnlyList<BuildDiagnostic> Diagnostics);
