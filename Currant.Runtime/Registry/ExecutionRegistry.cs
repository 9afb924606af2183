using System.Collections.Concurrent;
using System.ComponentModel;

namespace Currant;

/// <summary>
/// The process-wide table of execution names. Each assembly's generated registry adds its definitions from a
/// module initializer, so a worker knows every <c>[Job]</c>, <c>[Activity]</c> and <c>[Workflow]</c> without wiring.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class ExecutionRegistry
{
    private static readonly ConcurrentDictionary<string, ExecutionDefinition> Definitions = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> Conflicts = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a definition. A second, different definition under the same name, or a name outside the naming rule, is
    /// remembered as a conflict (workers refuse to start) rather than thrown: this runs in module initializers.
    /// </summary>
    public static void Register(ExecutionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Names.ExecutionNameMessage(definition.Name) is { } invalid)
        {
            Conflicts[definition.Name ?? ""] = invalid;
            return;
        }

        var existing = Definitions.GetOrAdd(definition.Name, definition);
        if (!ReferenceEquals(existing, definition) && existing.Invoke.Method != definition.Invoke.Method)
        {
            Conflicts[definition.Name] = $"'{definition.Name}' is defined twice (as a {existing.Kind} and as a {definition.Kind}) in different assemblies; give one of them another Name.";
        }
    }

    /// <summary>Looks a definition up by its persisted name.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ExecutionDefinition? definition)
        => Definitions.TryGetValue(name, out definition);

    /// <summary>Every registered definition.</summary>
    public static IReadOnlyCollection<ExecutionDefinition> All => (IReadOnlyCollection<ExecutionDefinition>)Definitions.Values;

    /// <summary>Why a worker must not start: names defined twice, and names outside the naming rule.</summary>
    internal static IReadOnlyCollection<string> ConflictMessages => (IReadOnlyCollection<string>)Conflicts.Values;
}
