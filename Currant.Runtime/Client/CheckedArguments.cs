using System.Collections;

namespace Currant;

/// <summary>
/// Argument arrays checked as they are read, so a lazily serialized <c>QueueMany</c> is checked row by row inside the
/// bulk insert; a refused row throws there, which cancels the insert (nothing of the call is written).
/// </summary>
internal sealed class CheckedArguments(IReadOnlyList<byte[]> arguments, Action<byte[]> check) : IReadOnlyList<byte[]>
{
    public int Count => arguments.Count;

    public byte[] this[int index]
    {
        get
        {
            var value = arguments[index];
            check(value);
            return value;
        }
    }

    public IEnumerator<byte[]> GetEnumerator()
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
