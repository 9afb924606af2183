namespace Currant.Tests.Client;

/// <summary>The handles QueueMany returns are made when read: in input order, once each, and checked like an array.</summary>
public sealed class LazyHandlesTests
{
    private sealed record Handle(Guid Id);

    [Test]
    public void Create_MakesOneHandlePerIdInOrder_EachOnce()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var made = new List<Guid>();

        var handles = LazyHandles.Create(ids, id =>
        {
            made.Add(id);
            return new Handle(id);
        });

        Assert.That(made, Is.Empty, "nothing made before a handle is read");
        Assert.That(handles, Has.Count.EqualTo(5));
        var third = handles[3];
        Assert.That(third.Id, Is.EqualTo(ids[3]));
        Assert.That(handles[3], Is.SameAs(third), "a handle read twice is the same object");
        Assert.That(handles.Select(h => h.Id), Is.EqualTo(ids), "enumerated in input order");
        Assert.That(made, Is.EqualTo(new[] { ids[3], ids[0], ids[1], ids[2], ids[4] }), "each id made into a handle once");
    }

    [Test]
    public void Indexer_OutsideTheList_Throws()
    {
        var handles = LazyHandles.Create([Guid.NewGuid()], id => new Handle(id));

        Assert.Throws<ArgumentOutOfRangeException>(() => _ = handles[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = handles[-1]);
    }
}
