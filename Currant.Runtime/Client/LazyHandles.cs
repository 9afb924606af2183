using System.Collections;
using System.ComponentModel;

namespace Currant;

/// <summary>
/// The handles a generated <c>QueueMany</c> returns, each made when first read. Making ten thousand handles up front
/// took ~3 ms of a 10,000-job <c>QueueMany</c> whose loop ran unoptimized (the first calls of an <c>async</c> method
/// run unoptimized code, and on-stack replacement does not reach its loops); most callers read few of them or none.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class LazyHandles
{
    /// <summary>A list of one handle per id, in order; <paramref name="create"/> runs at most once per id.</summary>
    public static IReadOnlyList<THandle> Create<THandle>(IReadOnlyList<Guid> ids, Func<Guid, THandle> create)
        where THandle : class
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(create);
        return new List<THandle>(ids, create);
    }

    private sealed class List<THandle>(IReadOnlyList<Guid> ids, Func<Guid, THandle> create) : IReadOnlyList<THandle>
        where THandle : class
    {
        private THandle?[]? _made;

        public int Count => ids.Count;

        public THandle this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ids.Count);
                var made = _made ??= new THandle?[ids.Count];
                // A race makes a second, equal handle at worst: handles are immutable (client and id).
                return made[index] ??= create(ids[index]);
            }
        }

        public IEnumerator<THandle> GetEnumerator()
        {
            for (var i = 0; i < ids.Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
