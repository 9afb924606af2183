using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>Reads the queued argument array for a generated invoker, with errors that name the parameter.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class ArgumentReader : IDisposable
{
    private readonly string _name;
    private readonly JsonDocument _document;
    private readonly JsonSerializerOptions _options;

    internal ArgumentReader(string name, ReadOnlyMemory<byte> utf8Json, int count, JsonSerializerOptions options)
    {
        _name = name;
        _options = options;
        try
        {
            _document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentDeserializationException($"The arguments of '{name}' are not valid JSON: {ex.Message}", ex);
        }

        // Read what the message needs before disposing: a disposed document throws on every access.
        var kind = _document.RootElement.ValueKind;
        var actual = kind == JsonValueKind.Array ? _document.RootElement.GetArrayLength() : -1;
        if (actual != count)
        {
            _document.Dispose();
            var found = kind == JsonValueKind.Array
                ? $"an array of {Values(actual)}"
                : $"a JSON {kind.ToString().ToLowerInvariant()}";
            throw new ArgumentDeserializationException(
                $"The arguments of '{name}' must be a JSON array of {Values(count)}, but were {found}.");
        }
    }

    private static string Values(int count) => count == 1 ? "1 value" : $"{count} values";

    /// <summary>Deserializes argument <paramref name="index"/> (named <paramref name="parameter"/>) as <typeparamref name="T"/>.</summary>
    public T Get<T>(int index, string parameter)
    {
        var element = _document.RootElement[index];
        try
        {
            return CurrantJson.Deserialize<T>(element, _options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new ArgumentDeserializationException(
                $"Argument '{parameter}' (#{index}) of '{_name}' cannot be read as {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _document.Dispose();
}
