using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>
/// What a generated handler invoker reads: the payload of one signal, query or update. The payload is the JSON of
/// the single argument for a one-parameter handler, ignored for none, and a JSON array for two or more (so the
/// string API <c>SignalAsync(name, value)</c> reaches a one-parameter <c>[Signal]</c> method as it is).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class HandlerContext
{
    private static readonly byte[] EmptyArray = "[]"u8.ToArray();
    private static readonly byte[] NullArray = "[null]"u8.ToArray();

    /// <summary>Creates a context for the handler <paramref name="name"/>.</summary>
    public HandlerContext(string name, ReadOnlyMemory<byte>? payload, JsonSerializerOptions serializerOptions)
    {
        Name = name;
        Payload = payload;
        SerializerOptions = serializerOptions;
    }

    /// <summary>The signal, query or update name.</summary>
    public string Name { get; }

    /// <summary>The UTF-8 JSON payload, or null.</summary>
    public ReadOnlyMemory<byte>? Payload { get; }

    /// <summary>The client's serializer options.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>Reads the payload as <paramref name="count"/> arguments.</summary>
    public ArgumentReader ReadArguments(int count)
    {
        ReadOnlyMemory<byte> array = count switch
        {
            0 => EmptyArray,
            1 when Payload is { } one => Wrap(one.Span),
            1 => NullArray,
            _ => Payload ?? EmptyArray,
        };
        return new ArgumentReader(Name, array, count, SerializerOptions);
    }

    /// <summary>Serializes a result to UTF-8 JSON.</summary>
    public byte[] SerializeResult<T>(T value) => CurrantJson.Serialize(value, SerializerOptions);

    private static byte[] Wrap(ReadOnlySpan<byte> value)
    {
        var wrapped = new byte[value.Length + 2];
        wrapped[0] = (byte)'[';
        value.CopyTo(wrapped.AsSpan(1));
        wrapped[^1] = (byte)']';
        return wrapped;
    }
}
