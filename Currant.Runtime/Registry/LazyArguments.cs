using System.Collections;
using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>
/// The argument arrays of a generated <c>QueueMany</c>, serialized when first read. The bulk insert reads them row by
/// row while it streams the binary COPY, so serializing overlaps the server's inserting instead of preceding it
/// (about a fifth of a 10,000-job <c>QueueMany</c> at the time of writing). Each is serialized once.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class LazyArguments
{
    /// <summary>A list of the items' serialized argument arrays; <paramref name="items"/> is enumerated once, now.</summary>
    public static IReadOnlyList<byte[]> Create<T>(IEnumerable<T> items, JsonSerializerOptions options, Func<JsonSerializerOptions, T, byte[]> write)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(write);
        return new List<T>(items, options, write);
    }

    private sealed class List<T>(IEnumerable<T> items, JsonSerializerOptions options, Func<JsonSerializerOptions, T, byte[]> write) : IReadOnlyList<byte[]>
    {
        private readonly T[] _items = [.. items];
        private byte[]?[]? _written;

        public int Count => _items.Length;

        public byte[] this[int index]
        {
            get
            {
                _written ??= new byte[]?[_items.Length];
                return _written[index] ??= write(options, _items[index]);
            }
        }

        public IEnumerator<byte[]> GetEnumerator()
        {
            for (var i = 0; i < _items.Length; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
