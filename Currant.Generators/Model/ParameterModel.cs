namespace Currant.Generators.Model;

/// <summary>One serialized parameter of the user's method.</summary>
/// <param name="Name">The name as declared (what error messages show).</param>
/// <param name="Identifier">The name as C# source, escaped with '@' if it is a keyword.</param>
/// <param name="Type">The fully qualified type, with nullable annotations.</param>
/// <param name="DefaultValue">The default value as a C# expression, or null when the parameter has none.</param>
/// <param name="IsParams">True for a trailing <c>params</c> array.</param>
/// <param name="IsSensitive">True when the parameter carries <c>[Sensitive]</c>: shown redacted, stored as given.</param>
internal sealed record ParameterModel(string Name, string Identifier, string Type, string? DefaultValue, bool IsParams, bool IsSensitive = false);
