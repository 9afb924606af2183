using System.Buffers;
using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>Writes the argument array of a generated <c>Queue</c>/<c>Run</c> stub.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class ArgumentWriter
{
    // The buffer and JSON writer of the last finished ArgumentWriter on this thread: QueueMany writes one argument
    // array per item, and reusing them leaves the returned array as the only allocation besides this object.
    // Taken while in use, so a writer started inside another (a converter that enqueues) gets fresh ones.
    [ThreadStatic]
    private static Reusable? t_reusable;

    private readonly Reusable _state;
    private readonly JsonSerializerOptions _options;

    /// <summary>Starts an argument array.</summary>
    public ArgumentWriter(JsonSerializerOptions options)
    {
        _options = options;
        _state = t_reusable ?? new Reusable();
        t_reusable = null;
        _state.Writer.WriteStartArray();
    }

    /// <summary>Appends one argument.</summary>
    public ArgumentWriter Write<T>(T value)
    {
        CurrantJson.Serialize(_state.Writer, value, _options);
        return this;
    }

    /// <summary>Closes the array and returns its UTF-8 bytes; the writer is done with after this.</summary>
    public byte[] ToArray()
    {
        _state.Writer.WriteEndArray();
        _state.Writer.Flush();
        var bytes = _state.Buffer.WrittenSpan.ToArray();
        if (_state.Buffer.Capacity <= Reusable.MaxKeptBytes)
        {
            _state.Buffer.ResetWrittenCount();
            _state.Writer.Reset(_state.Buffer);
            t_reusable = _state;
        }
        else
        {
            _state.Writer.Dispose();
        }

        return bytes;
    }

    private sealed class Reusable
    {
        /// <summary>A buffer grown past this by one large argument is not kept.</summary>
        public const int MaxKeptBytes = 64 * 1024;

        public Reusable()
        {
            Writer = new Utf8JsonWriter(Buffer);
        }

        public ArrayBufferWriter<byte> Buffer { get; } = new(256);

        public Utf8JsonWriter Writer { get; }
    }
}
