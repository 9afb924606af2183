namespace Currant.Generators.Model;

/// <summary>A partial type the execution class is nested in, reproduced around the generated part.</summary>
/// <param name="Keyword">"class", "struct", "record", "record struct" or "interface".</param>
/// <param name="Name">The type's name, escaped if it is a keyword.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);
