using System.Buffers;
using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>Writes the argument array of a generated <c>Queue</c>/<c>Run</c> stub.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class ArgumentWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);
    private readonly Utf8JsonWriter _writer;
    private readonly JsonSerializerOptions _options;

    /// <summary>Starts an argument array.</summary>
    public ArgumentWriter(JsonSerializerOptions options)
    {
        _options = options;
        _writer = new Utf8JsonWriter(_buffer);
        _writer.WriteStartArray();
    }

    /// <summary>Appends one argument.</summary>
    public ArgumentWriter Write<T>(T value)
    {
        CurrantJson.Serialize(_writer, value, _options);
        return this;
    }

    /// <summary>Closes the array and returns its UTF-8 bytes.</summary>
    public byte[] ToArray()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        var bytes = _buffer.WrittenSpan.ToArray();
        _writer.Dispose();
        return bytes;
    }
}
