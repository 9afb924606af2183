namespace Currant.Tests;

/// <summary>Finds build outputs of sibling projects (built by the same solution build, same configuration).</summary>
public static class RepoPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Currant.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("Currant.sln not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    public static string Configuration => new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name;

    /// <summary>The main .dll of a project under the repo, e.g. <c>Output("examples/QuickStart", "QuickStart.dll")</c>.</summary>
    public static string Output(string projectDirectory, string dll)
    {
        var path = Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }
}
