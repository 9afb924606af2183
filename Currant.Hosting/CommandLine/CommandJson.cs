using System.Text;
using System.Text.Json;

namespace Currant.CommandLine;

/// <summary>The indented JSON every command's <c>--json</c> prints.</summary>
internal static class CommandJson
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
