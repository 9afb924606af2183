namespace Currant.Generators.Model;

/// <summary>One line of the assembly's generated registry.</summary>
/// <param name="Name">The persisted execution name (the sort key).</param>
/// <param name="FullyQualifiedName">The class holding <c>CurrantDefinition</c>.</param>
/// <param name="ObsoleteWarnings">Warning IDs a reference to the class raises; usually empty.</param>
internal sealed record RegistryEntry(string Name, string FullyQualifiedName, EquatableArray<string> ObsoleteWarnings);
