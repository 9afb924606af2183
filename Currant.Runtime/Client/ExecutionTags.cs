using System.Text;
using System.Text.Json;

namespace Currant;

/// <summary>
/// The rule for tags (string key → string value, Temporal's search attributes), checked at every door (enqueue,
/// Workflow.SetTag, ListAsync, the command line) so a bad tag fails there with a clear error.
/// </summary>
internal static class ExecutionTags
{
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 1024;
    public const int MaxCount = 64;

    public const string Rule = "tag keys are 1 to 128 characters and values at most 1,024, neither holding control characters";

    /// <summary>Throws unless every key and value follows <see cref="Rule"/>.</summary>
    public static void Check(IReadOnlyDictionary<string, string>? tags, string parameterName)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxCount)
        {
            throw new ArgumentException($"{tags.Count} tags given; an execution holds at most {MaxCount}.", parameterName);
        }

        foreach (var (key, value) in tags)
        {
            CheckOne(key, value, parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="key"/> and <paramref name="value"/> follow <see cref="Rule"/>.</summary>
    public static void CheckOne(string? key, string? value, string parameterName)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            throw new ArgumentException($"Invalid tag key '{Shown(key)}': {Rule}.", parameterName);
        }

        if (value is null || value.Length > MaxValueLength || value.Any(char.IsControl))
        {
            throw new ArgumentException($"Invalid value for tag '{key}' ('{Shown(value)}'): {Rule}.", parameterName);
        }
    }

    /// <summary>A flat JSON object, keys in ordinal order (the same tags always serialize the same); null for none.</summary>
    public static string? ToJson(IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads the stored object back (non-string values, which only hand-written SQL could store, as their JSON text).</summary>
    public static IReadOnlyDictionary<string, string> FromJson(string? json)
    {
        if (json is null)
        {
            return Empty;
        }

        using var document = JsonDocument.Parse(json);
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                tags[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return tags;
    }

    /// <summary>Parses a command-line <c>key=value</c> (the first '=' separates them; the value may be empty).</summary>
    public static KeyValuePair<string, string> Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"'{Shown(text)}' is not a tag: write key=value.", nameof(text));
        }

        var tag = KeyValuePair.Create(text[..equals], text[(equals + 1)..]);
        CheckOne(tag.Key, tag.Value, nameof(text));
        return tag;
    }

    public static readonly IReadOnlyDictionary<string, string> Empty = new SortedDictionary<string, string>(StringComparer.Ordinal);

    private static string Shown(string? text) => text is null ? "null" : text.Length <= 40 ? text : text[..40] + "…";
}
