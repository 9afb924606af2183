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

        if (_document.RootElement.ValueKind != JsonValueKind.Array)
        {
            _document.Dispose();
            throw new ArgumentDeserializationException(
                $"The arguments of '{name}' must be a JSON array, but were a JSON {_document.RootElement.ValueKind}.");
        }

        var actual = _document.RootElement.GetArrayLength();
        if (actual != count)
        {
            _document.Dispose();
            throw new ArgumentDeserializationException(
                $"'{name}' takes {count} argument(s), but {actual} were queued.");
        }
    }

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
