using Currant.Persistence;

namespace Currant.Tests.Storage;

/// <summary>The strings SQL and C# share: the queries interpolate them; the frozen migrations must spell them the same.</summary>
public sealed class SharedNamesTests
{
    private static string Migrations => string.Join("\n", Directory.GetFiles(Path.Combine(RepoPaths.Root, "db"), "*.sql").Order().Select(File.ReadAllText));

    [TestCase(SharedNames.PendingChannel)]
    [TestCase(SharedNames.FinishedChannel)]
    [TestCase(SharedNames.CancelChannel)]
    [TestCase(SharedNames.WorkflowTimeoutTimer)]
    [TestCase(SharedNames.SignalTimeoutTimer)]
    public void Migrations_SpellEachSharedNameAsTheCodeDoes(string name)
        => Assert.That(Migrations, Does.Contain($"'{name}'"), $"db/*.sql should use '{name}' exactly as Persistence/SharedNames.cs does");

    [Test]
    public void ErrorTypes_TheDatabaseMatches_AreTheRealExceptionTypeNames()
    {
        Assert.That(typeof(NondeterminismException).FullName, Is.EqualTo(SharedNames.NondeterminismError));
        Assert.That(typeof(WorkflowBlockedException).FullName, Is.EqualTo(SharedNames.WorkflowBlockedError));
    }
}
