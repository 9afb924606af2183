namespace Currant.Tests.Analyzers.Infrastructure;

/// <summary>Finds files of this repository from the test's output folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Currant.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Currant.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Currant.sln not found above " + AppContext.BaseDirectory);
    }
}
