using System.Globalization;

namespace Currant.CommandLine;

/// <summary>
/// A command of the currant command line: its options, positional arguments, subcommands and what it does. The
/// command line is small and internal, so it is parsed here (<see cref="CliParser"/>) rather than by a library the
/// Currant.Hosting package would then bring into every application.
/// </summary>
internal sealed class CliCommand(string name, string description)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>Left out of help (it can still be run).</summary>
    public bool Hidden { get; init; }

    public List<CliOption> Options { get; } = [];

    public List<CliArgument> Arguments { get; } = [];

    public List<CliCommand> Subcommands { get; } = [];

    /// <summary>What the command does; returns the exit code. A command without one needs a subcommand.</summary>
    public Func<CliParseResult, CancellationToken, Task<int>>? Action { get; set; }
}

/// <summary>Where options and arguments share their name, description and value conversion.</summary>
internal abstract class CliSymbol
{
    private protected CliSymbol(string name, Type valueType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!CliValue.IsSupported(valueType))
        {
            throw new NotSupportedException($"'{name}': the command line takes string, string[], int, int? and bool values, not {valueType.Name}.");
        }

        Name = name;
        ValueType = valueType;
    }

    public string Name { get; }

    public string Description { get; init; } = "";

    internal Type ValueType { get; }

    /// <summary>The value when the user gave none, for <see cref="CliParseResult.GetValue{T}(CliOption{T})"/>.</summary>
    internal abstract object? DefaultValue();
}

/// <summary>An option: <c>--name value</c>, <c>--name=value</c>, a short alias (<c>-n value</c>), or a flag (bool).</summary>
internal abstract class CliOption : CliSymbol
{
    private protected CliOption(string name, string[] aliases, Type valueType)
        : base(name, valueType)
    {
        if (!name.StartsWith("--", StringComparison.Ordinal) || aliases.Any(a => !a.StartsWith('-') || a.Length < 2))
        {
            throw new ArgumentException($"Option names start with '--' and aliases with '-' (got {string.Join(", ", [name, .. aliases])}).", nameof(name));
        }

        Aliases = aliases;
    }

    /// <summary>Other names, such as <c>-q</c> for <c>--queue</c>.</summary>
    public IReadOnlyList<string> Aliases { get; }

    public bool Required { get; init; }

    /// <summary>Also accepted by every subcommand of the command that declares it.</summary>
    public bool Recursive { get; init; }

    /// <summary>For a repeatable option: <c>-q a b</c> as well as <c>-q a -q b</c>.</summary>
    public bool AllowMultipleArgumentsPerToken { get; init; }

    /// <summary>A bool option: present means true; <c>--flag=false</c> also works. It takes no separate value.</summary>
    internal bool IsFlag => ValueType == typeof(bool);

    /// <summary>A string[] option: repeatable, each occurrence adds a value.</summary>
    internal bool IsRepeatable => ValueType == typeof(string[]);

    internal bool HasName(string token) => token == Name || Aliases.Contains(token);

    /// <summary>What help shows as the default, if anything.</summary>
    internal abstract string? DefaultText { get; }
}

internal sealed class CliOption<T>(string name, params string[] aliases) : CliOption(name, aliases, typeof(T))
{
    public Func<T>? DefaultValueFactory { get; init; }

    internal override object? DefaultValue() => DefaultValueFactory is { } factory ? factory() : CliValue.Empty(ValueType);

    internal override string? DefaultText => DefaultValueFactory is { } factory && factory() is { } value and not false
        ? Convert.ToString(value, CultureInfo.InvariantCulture)
        : null;
}

/// <summary>A positional argument, in the order the command declares them.</summary>
internal abstract class CliArgument : CliSymbol
{
    private protected CliArgument(string name, Type valueType)
        : base(name, valueType)
    {
        if (valueType == typeof(bool) || valueType == typeof(string[]))
        {
            throw new NotSupportedException($"Argument '{name}': a positional argument takes one string or number.");
        }
    }

    /// <summary>Must be given (the default); an optional argument may only be followed by optional ones.</summary>
    public bool Required { get; init; } = true;
}

internal sealed class CliArgument<T>(string name) : CliArgument(name, typeof(T))
{
    internal override object? DefaultValue() => CliValue.Empty(ValueType);
}

/// <summary>What the user typed, as values of the command's options and arguments.</summary>
internal sealed class CliParseResult
{
    private readonly Dictionary<CliSymbol, object?> _values = [];

    internal CliParseResult(IReadOnlyList<CliCommand> path, TextWriter output, TextWriter error)
    {
        Path = path;
        Output = output;
        Error = error;
    }

    /// <summary>The commands from the root to the one that runs.</summary>
    public IReadOnlyList<CliCommand> Path { get; internal set; }

    /// <summary>The command that runs.</summary>
    public CliCommand Command => Path[^1];

    /// <summary>What was wrong with the arguments, one sentence each; empty when they parsed.</summary>
    public List<string> Errors { get; } = [];

    public bool HelpRequested { get; internal set; }

    public bool VersionRequested { get; internal set; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public T GetValue<T>(CliOption<T> option) => (T)(_values.TryGetValue(option, out var value) ? value : option.DefaultValue())!;

    public T GetValue<T>(CliArgument<T> argument) => (T)(_values.TryGetValue(argument, out var value) ? value : argument.DefaultValue())!;

    /// <summary>Whether the user gave <paramref name="symbol"/> (rather than its default applying).</summary>
    public bool WasGiven(CliSymbol symbol) => _values.ContainsKey(symbol);

    internal void Set(CliSymbol symbol, object? value) => _values[symbol] = value;

    internal object? Get(CliSymbol symbol) => _values.GetValueOrDefault(symbol);
}

/// <summary>The value types the command line converts to, and how.</summary>
internal static class CliValue
{
    public static bool IsSupported(Type type)
        => type == typeof(string) || type == typeof(string[]) || type == typeof(int) || type == typeof(int?) || type == typeof(bool);

    public static object? Empty(Type type)
        => type == typeof(string[]) ? Array.Empty<string>() : type == typeof(int) ? 0 : type == typeof(bool) ? false : null;

    /// <summary>Converts one value typed for <paramref name="type"/>; on failure, what was expected.</summary>
    public static bool TryConvert(Type type, string text, out object? value, out string expected)
    {
        expected = "";
        value = null;
        if (type == typeof(string) || type == typeof(string[]))
        {
            value = text;
            return true;
        }

        if (type == typeof(int) || type == typeof(int?))
        {
            expected = "a whole number";
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                value = number;
                return true;
            }

            return false;
        }

        expected = "true or false";
        if (bool.TryParse(text, out var flag))
        {
            value = flag;
            return true;
        }

        return false;
    }
}
