using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Currant.Tests.Analyzers.Infrastructure;

/// <summary>
/// Metadata references for analyzer tests, found offline: the test framework's default reference packs are
/// downloaded from NuGet, so the tests compile against the ref pack of the SDK installed on this machine instead.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(LoadFramework);

    private static readonly Lazy<ImmutableArray<MetadataReference>> Currant = new(() =>
    [
        MetadataReference.CreateFromFile(typeof(global::Currant.Workflow).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Npgsql.NpgsqlConnection).Assembly.Location),
    ]);

    /// <summary>An empty set: references come from <see cref="FrameworkReferences"/> instead of a downloaded package.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> FrameworkReferences => Framework.Value;

    /// <summary>Currant.Runtime and the packages its public API exposes (logging, Npgsql).</summary>
    public static ImmutableArray<MetadataReference> CurrantReferences => Currant.Value;

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/packs/Microsoft.NETCore.App.Ref/10.0.x/ref/net10.0/
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var major = Environment.Version.Major;
        var refDirectory = Directory.Exists(packs)
            ? Directory.GetDirectories(packs, major + ".*")
                .Select(version => Path.Combine(version, "ref", "net" + major + ".0"))
                .Where(Directory.Exists)
                .OrderByDescending(path => path, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;

        var files = refDirectory is not null
            ? Directory.GetFiles(refDirectory, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                               || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
                .ToArray();
        return [.. files.Select(file => (MetadataReference)MetadataReference.CreateFromFile(file))];
    }
}
