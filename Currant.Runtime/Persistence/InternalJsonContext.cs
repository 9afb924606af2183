using System.Text.Json.Serialization;

namespace Currant.Persistence;

/// <summary>Source-generated JSON for Currant's own records (no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecutionError))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(Guid[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredRetryPolicy))]
internal sealed partial class InternalJsonContext : JsonSerializerContext;
