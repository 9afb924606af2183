using System.Text;
using System.Text.Json;

namespace Currant;

/// <summary>
/// Hides the arguments of <c>[Sensitive]</c> parameters from what people read (the dashboard, <c>currant status</c>,
/// <c>list</c>, <c>history</c>). The stored arguments are never changed: this only rewrites a copy for display.
/// </summary>
internal static class ArgumentRedaction
{
    /// <summary>What a sensitive argument shows as.</summary>
    public const string Mask = "***";

    /// <summary>
    /// The arguments JSON (a positional array, <see cref="ArgumentWriter"/>) of an execution named
    /// <paramref name="name"/> with each sensitive parameter's element replaced by <see cref="Mask"/>. Unchanged when
    /// the registry knows no sensitive parameter of that name. Arguments that are not a readable array while the
    /// definition has sensitive parameters are hidden whole: when in doubt, show nothing.
    /// </summary>
    public static string? Redact(string name, string? arguments)
    {
        if (arguments is null || !ExecutionRegistry.TryGet(name, out var definition) || definition.SensitiveParameters.Count == 0)
        {
            return arguments;
        }

        return Redact(definition, arguments);
    }

    /// <summary><see cref="Redact(string, string?)"/> for a known definition.</summary>
    public static string Redact(ExecutionDefinition definition, string arguments)
    {
        var hidden = new HashSet<int>();
        for (var i = 0; i < definition.ParameterNames.Count; i++)
        {
            if (definition.SensitiveParameters.Contains(definition.ParameterNames[i]))
            {
                hidden.Add(i);
            }
        }

        if (hidden.Count == 0)
        {
            return arguments;
        }

        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return "\"" + Mask + "\"";
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartArray();
                var index = 0;
                foreach (var element in document.RootElement.EnumerateArray())
                {
                    if (hidden.Contains(index++))
                    {
                        writer.WriteStringValue(Mask);
                    }
                    else
                    {
                        element.WriteTo(writer);
                    }
                }

                writer.WriteEndArray();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (JsonException)
        {
            return "\"" + Mask + "\"";
        }
    }
}
