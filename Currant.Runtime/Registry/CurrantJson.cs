using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Currant;

/// <summary>
/// The one place Currant serializes user values. It goes through <see cref="JsonSerializerOptions.GetTypeInfo"/>,
/// so an application that sets a source-generated <c>TypeInfoResolver</c> on the client runs without reflection.
/// </summary>
internal static class CurrantJson
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "AOT applications replace the resolver with a source-generated one.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "AOT applications replace the resolver with a source-generated one.")]
    public static JsonSerializerOptions CreateDefaultOptions()
        // Copying the default options keeps its resolver (reflection-based unless the app disabled reflection).
        => new(JsonSerializerOptions.Default);

    public static byte[] Serialize<T>(T value, JsonSerializerOptions options)
        => JsonSerializer.SerializeToUtf8Bytes(value, GetInfo<T>(options));

    public static void Serialize<T>(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        => JsonSerializer.Serialize(writer, value, GetInfo<T>(options));

    public static T Deserialize<T>(JsonElement element, JsonSerializerOptions options)
        => element.Deserialize(GetInfo<T>(options))!;

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, JsonSerializerOptions options)
        => JsonSerializer.Deserialize(utf8Json, GetInfo<T>(options))!;

    private static JsonTypeInfo<T> GetInfo<T>(JsonSerializerOptions options)
        => TypeInfoCache<T>.Last is { } last && ReferenceEquals(last.Options, options) ? last.Info : TypeInfoCache<T>.Resolve(options);

    /// <summary>
    /// The last type info of <typeparamref name="T"/> and the options it came from. An application serializes
    /// with one client's options, and <c>QueueMany</c> serializes thousands of values of one type in a row:
    /// <see cref="JsonSerializerOptions.GetTypeInfo"/> checks the type and looks it up each time (measured: the
    /// largest part of serializing an int argument).
    /// </summary>
    private static class TypeInfoCache<T>
    {
        public static Entry? Last;

        [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Resolved through the options' own resolver.")]
        public static JsonTypeInfo<T> Resolve(JsonSerializerOptions options)
        {
            var info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
            // One reference write: a reader sees an old entry or this one, never options paired with another's info.
            Last = new Entry(options, info);
            return info;
        }

        public sealed record Entry(JsonSerializerOptions Options, JsonTypeInfo<T> Info);
    }
}
