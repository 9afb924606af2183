using Currant.Persistence;

namespace Currant.Tests.Storage;

/// <summary>The strings SQL and C# share: the queries interpolate them; the frozen migrations must spell them the same.</summary>
public sealed class SharedNamesTests
{
    private static string Migrations => string.Join("\n", Directory.GetFiles(Path.Combine(RepoPaths.Root, "db"), "*.sql").Order().Select(File.ReadAllText));

    [TestCase(SharedNames.PendingChannel)]
    [TestCase(SharedNames.FinishedChannel)]
    [TestCase(SharedNames.CancelChannel)]
    [TestCase(SharedNames.DueChannel)]
    [TestCase(SharedNames.WorkflowTimeoutTimer)]
    [TestCase(SharedNames.SignalTimeoutTimer)]
    [TestCase(SharedNames.CancelHistoryKind)]
    public void Migrations_SpellEachSharedNameAsTheCodeDoes(string name)
        => Assert.That(Migrations, Does.Contain($"'{name}'"), $"db/*.sql should use '{name}' exactly as Persistence/SharedNames.cs does");

    [Test]
    public void Migrations_WriteTheCancelRequestAtTheSeqTheEngineReads()
        => Assert.That(Migrations, Does.Contain($"SELECT e.id, {SharedNames.CancelSeq.ToString(System.Globalization.CultureInfo.InvariantCulture)}, '{SharedNames.CancelHistoryKind}'"));

    [TestCase("emails 300", "emails", 300)]
    [TestCase("tenant:7.reports-eu_1 0", "tenant:7.reports-eu_1", 0)]
    public void DuePayload_AsNotifyDueWritesIt_IsReadAsQueueAndDelay(string payload, string queue, int milliseconds)
    {
        Assert.That(SharedNames.TryParseDue(payload, out var parsedQueue, out var dueIn), Is.True);
        Assert.That((parsedQueue, dueIn), Is.EqualTo((queue, TimeSpan.FromMilliseconds(milliseconds))));
    }

    [TestCase("emails")]
    [TestCase("emails -5")]
    [TestCase("emails soon")]
    [TestCase(" 300")]
    [TestCase("")]
    public void DuePayload_InAnyOtherShape_IsNotRead(string payload)
        => Assert.That(SharedNames.TryParseDue(payload, out _, out _), Is.False);

    [Test]
    public void ErrorTypes_TheDatabaseMatches_AreTheRealExceptionTypeNames()
    {
        Assert.That(typeof(NondeterminismException).FullName, Is.EqualTo(SharedNames.NondeterminismError));
        Assert.That(typeof(WorkflowBlockedException).FullName, Is.EqualTo(SharedNames.WorkflowBlockedError));
    }
}
