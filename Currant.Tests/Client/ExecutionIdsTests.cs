namespace Currant.Tests.Client;

/// <summary>QueueMany's ids are UUIDv7 like every other execution id: time-ordered, ordered within a call, and unique.</summary>
public sealed class ExecutionIdsTests
{
    [Test]
    public void NewVersion7_MakesDistinctVersion7IdsCarryingTheTime()
    {
        var now = DateTimeOffset.UtcNow;

        var ids = ExecutionIds.NewVersion7(50_000, now);

        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Length));
        Assert.That(ids.All(id => id.Version == 7), Is.True, "version 7");
        Assert.That(ids.All(id => id.Variant is >= 0x8 and <= 0xB), Is.True, "RFC variant (10xx)");
        var reference = Guid.CreateVersion7(now).ToByteArray(bigEndian: true)[..6];
        Assert.That(ids.All(id => id.ToByteArray(bigEndian: true)[..6].SequenceEqual(reference)), Is.True, "the Unix milliseconds of Guid.CreateVersion7");
    }

    [Test]
    public void NewVersion7_ReturnsIdsInIncreasingOrder_AsPostgresComparesThem()
    {
        var ids = ExecutionIds.NewVersion7(10_000, DateTimeOffset.UtcNow);

        // Postgres orders uuids by their bytes, most significant first: the order the primary key inserts them in.
        for (var i = 1; i < ids.Length; i++)
        {
            var previous = ids[i - 1].ToByteArray(bigEndian: true);
            var current = ids[i].ToByteArray(bigEndian: true);
            Assert.That(((ReadOnlySpan<byte>)current).SequenceCompareTo(previous), Is.GreaterThan(0), $"id {i} after id {i - 1}");
        }
    }

    [Test]
    public void NewVersion7_TwoCallsInOneMillisecond_ShareNoId()
    {
        var now = DateTimeOffset.UtcNow;

        var first = ExecutionIds.NewVersion7(1_000, now);
        var second = ExecutionIds.NewVersion7(1_000, now);

        Assert.That(first.Intersect(second), Is.Empty);
    }

    [Test]
    public void NewVersion7_OfALaterMillisecond_SortsAfter()
    {
        var now = DateTimeOffset.UtcNow;

        var earlier = ExecutionIds.NewVersion7(100, now);
        var later = ExecutionIds.NewVersion7(100, now.AddMilliseconds(1));

        Assert.That(later.Min(), Is.GreaterThan(earlier.Max()));
    }
}
