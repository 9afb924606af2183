using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Currant.Hosting;

/// <summary>
/// Makes sure the generated registry of every application assembly has run. A registry registers itself from a
/// module initializer, but the runtime runs that only when something first touches the assembly, and a worker may
/// be the first to need a job that nothing else in the process mentions. So the assemblies beside the application
/// that reference Currant.Runtime are loaded and their initializers run, found through the metadata (no code of an
/// unrelated assembly runs). Under Native AOT every module initializer has already run at start-up.
/// </summary>
internal static class ApplicationAssemblies
{
    private static readonly Lock Gate = new();
    private static bool s_scanned;

    /// <summary>Runs the module initializer of <paramref name="assembly"/> (idempotent: the runtime runs it once).</summary>
    public static void Register(Assembly assembly)
        => RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);

    public static void RegisterAll(ILogger logger)
    {
        lock (Gate)
        {
            if (s_scanned)
            {
                return;
            }

            s_scanned = true;
            if (Assembly.GetEntryAssembly() is { } entry)
            {
                Register(entry);
            }

            var runtimeName = typeof(ApplicationAssemblies).Assembly.GetName().Name!;
            var baseDirectory = Path.GetFullPath(AppContext.BaseDirectory);
            var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            foreach (var path in trusted)
            {
                // Only the application's own files: the shared framework cannot hold Currant definitions.
                if (!Path.GetFullPath(path).StartsWith(baseDirectory, StringComparison.Ordinal) || !ReferencesCurrant(path, runtimeName, logger))
                {
                    continue;
                }

                try
                {
                    Register(Assembly.Load(AssemblyName.GetAssemblyName(path)));
                }
                catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or FileNotFoundException)
                {
                    HostingLog.AssemblyScanFailed(logger, ex, path);
                }
            }
        }
    }

    private static bool ReferencesCurrant(string path, string runtimeName, ILogger logger)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return false;
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                if (metadata.StringComparer.Equals(metadata.GetAssemblyReference(handle).Name, runtimeName))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
        {
            HostingLog.AssemblyScanFailed(logger, ex, path);
            return false;
        }
    }
}
