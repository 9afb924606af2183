using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Currant.CommandLine;

/// <summary>
/// Parses arguments against a <see cref="CliCommand"/> tree, writes help, and runs the chosen command with Ctrl-C
/// and SIGTERM turned into cancellation. The grammar: a subcommand's name before any of its parent's positional
/// arguments; options anywhere after their command, as <c>--name value</c>, <c>--name=value</c>, <c>-n value</c> or
/// <c>-n=value</c> (a value option takes the next token whatever it looks like, so <c>--timers -1</c> reaches the
/// command's own check); flags without a value; <c>--</c> ends the options; <c>--help</c>, <c>-h</c> or <c>-?</c>
/// shows the help of the command typed so far; <c>--version</c> at the root.
/// </summary>
internal static class CliParser
{
    /// <summary>Exit codes when a command did not end within the termination timeout after Ctrl-C or SIGTERM (128 + signal).</summary>
    public const int InterruptedExitCode = 130;

    public const int TerminatedExitCode = 143;

    private static readonly string[] HelpNames = ["--help", "-h", "-?"];

    /// <summary>Parses <paramref name="args"/>; the result's errors say what is wrong, if anything.</summary>
    public static CliParseResult Parse(CliCommand root, IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null)
    {
        var path = new List<CliCommand> { root };
        var result = new CliParseResult(path, output ?? TextWriter.Null, error ?? TextWriter.Null);
        var repeated = new Dictionary<CliOption, List<string>>();
        var position = 0;
        var onlyArguments = false;
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            var command = path[^1];
            if (!onlyArguments)
            {
                if (token == "--")
                {
                    onlyArguments = true;
                    continue;
                }

                if (HelpNames.Contains(token))
                {
                    result.HelpRequested = true;
                    continue;
                }

                if (token == "--version" && path.Count == 1)
                {
                    result.VersionRequested = true;
                    continue;
                }

                // A negative number where an argument is expected is that argument, not an option.
                if (token.Length > 1 && token[0] == '-' && !(position < command.Arguments.Count && IsNumber(token)))
                {
                    i = ParseOption(path, args, i, result, repeated);
                    continue;
                }

                if (position == 0 && command.Subcommands.FirstOrDefault(c => c.Name == token) is { } subcommand)
                {
                    path.Add(subcommand);
                    continue;
                }
            }

            if (position < command.Arguments.Count)
            {
                var argument = command.Arguments[position++];
                if (CliValue.TryConvert(argument.ValueType, token, out var value, out var expected))
                {
                    result.Set(argument, value);
                }
                else
                {
                    result.Errors.Add($"'{token}' is not a valid <{argument.Name}>: expected {expected}.");
                }
            }
            else if (position == 0 && command.Subcommands.Any(c => !c.Hidden))
            {
                result.Errors.Add($"Unknown command '{token}' for '{CommandName(path)}'. Commands: {string.Join(", ", Visible(command.Subcommands).Select(c => c.Name))}.");
            }
            else
            {
                result.Errors.Add($"Unexpected argument '{token}' for '{CommandName(path)}'.");
            }
        }

        foreach (var (option, values) in repeated)
        {
            result.Set(option, values.ToArray());
        }

        if (!result.HelpRequested && !result.VersionRequested)
        {
            Validate(result, position);
        }

        return result;
    }

    /// <summary>Parses the option at <paramref name="index"/>; returns the index of the last token it used.</summary>
    private static int ParseOption(List<CliCommand> path, IReadOnlyList<string> args, int index, CliParseResult result, Dictionary<CliOption, List<string>> repeated)
    {
        var token = args[index];
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? token[..equals] : token;
        var inline = equals > 0 ? token[(equals + 1)..] : null;
        if (FindOption(path, name) is not { } option)
        {
            var known = OptionsOf(path).SelectMany(o => o.Aliases.Prepend(o.Name));
            result.Errors.Add($"Unknown option '{name}' for '{CommandName(path)}'. Options: {string.Join(", ", known.Concat(["--help"]))}.");
            return index;
        }

        if (option.IsFlag)
        {
            if (inline is null)
            {
                result.Set(option, true);
            }
            else if (bool.TryParse(inline, out var flag))
            {
                result.Set(option, flag);
            }
            else
            {
                result.Errors.Add($"'{inline}' is not a valid value for {option.Name}: expected true or false.");
            }

            return index;
        }

        var values = new List<string>();
        if (inline is not null)
        {
            values.Add(inline);
        }
        else if (index + 1 < args.Count)
        {
            values.Add(args[++index]);
            while (option.AllowMultipleArgumentsPerToken && index + 1 < args.Count && !args[index + 1].StartsWith('-'))
            {
                values.Add(args[++index]);
            }
        }
        else
        {
            result.Errors.Add($"{option.Name} needs a value.");
            return index;
        }

        foreach (var text in values)
        {
            if (!CliValue.TryConvert(option.ValueType, text, out var value, out var expected))
            {
                result.Errors.Add($"'{text}' is not a valid value for {option.Name}: expected {expected}.");
            }
            else if (option.IsRepeatable)
            {
                (repeated.TryGetValue(option, out var list) ? list : repeated[option] = []).Add(text);
            }
            else if (result.WasGiven(option))
            {
                result.Errors.Add($"{option.Name} was given more than once (it takes one value).");
            }
            else
            {
                result.Set(option, value);
            }
        }

        return index;
    }

    private static void Validate(CliParseResult result, int position)
    {
        var command = result.Command;
        var path = result.Path;
        foreach (var missing in command.Arguments.Skip(position).Where(a => a.Required))
        {
            result.Errors.Add($"'{CommandName(path)}' needs <{missing.Name}>{Describe(missing.Description)}.");
        }

        foreach (var option in OptionsOf(path).Where(o => o.Required && !result.WasGiven(o)))
        {
            result.Errors.Add($"'{CommandName(path)}' needs {option.Name}{Describe(option.Description)}.");
        }

        if (command.Action is null && result.Errors.Count == 0)
        {
            result.Errors.Add($"No command given. Commands: {string.Join(", ", Visible(command.Subcommands).Select(c => c.Name))}.");
        }

        static string Describe(string description) => description.Length == 0 ? "" : $" ({description})";
    }

    private static bool IsNumber(string token)
        => double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The options the innermost command of <paramref name="path"/> accepts: its own and its ancestors' recursive ones.</summary>
    private static IEnumerable<CliOption> OptionsOf(IReadOnlyList<CliCommand> path)
        => path.Take(path.Count - 1).SelectMany(c => c.Options.Where(o => o.Recursive)).Concat(path[^1].Options);

    private static CliOption? FindOption(IReadOnlyList<CliCommand> path, string name)
        => OptionsOf(path).FirstOrDefault(o => o.HasName(name));

    private static IEnumerable<CliCommand> Visible(IEnumerable<CliCommand> commands) => commands.Where(c => !c.Hidden);

    private static string CommandName(IReadOnlyList<CliCommand> path) => string.Join(' ', path.Select(c => c.Name));

    /// <summary>The help of the innermost command of <paramref name="path"/>: usage, arguments, options, subcommands.</summary>
    public static string Help(IReadOnlyList<CliCommand> path)
    {
        var command = path[^1];
        var text = new StringBuilder();
        if (command.Description.Length > 0)
        {
            text.AppendLine(command.Description).AppendLine();
        }

        var usage = new StringBuilder(CommandName(path));
        foreach (var argument in command.Arguments)
        {
            usage.Append(argument.Required ? $" <{argument.Name}>" : $" [<{argument.Name}>]");
        }

        if (Visible(command.Subcommands).Any())
        {
            usage.Append(command.Action is null ? " <command>" : " [command]");
        }

        text.AppendLine("Usage:").Append("  ").Append(usage).AppendLine(" [options]");

        Section(text, "Arguments:", command.Arguments.Select(a => ($"<{a.Name}>", a.Description + (a.Required ? "" : " (optional)"))));
        var options = OptionsOf(path).Select(o => (OptionLabel(o), OptionDescription(o))).ToList();
        options.Add(("-?, -h, --help", "Show help and usage information"));
        if (path.Count == 1)
        {
            options.Add(("--version", "Show version information"));
        }

        Section(text, "Options:", options);
        Section(text, "Commands:", Visible(command.Subcommands).Select(c => (c.Name, c.Description)));
        return text.ToString();

        static string OptionLabel(CliOption option)
        {
            var names = string.Join(", ", option.Aliases.Append(option.Name));
            return option.IsFlag ? names : $"{names} <{option.Name.TrimStart('-')}>";
        }

        static string OptionDescription(CliOption option)
        {
            var description = option.Description;
            if (option.Required)
            {
                description += " (required)";
            }
            else if (option.DefaultText is { } value && !description.Contains("default", StringComparison.OrdinalIgnoreCase))
            {
                description += $" (default: {value})";
            }

            return description;
        }
    }

    private static void Section(StringBuilder text, string title, IEnumerable<(string Label, string Description)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var width = list.Max(r => r.Label.Length) + 2;
        text.AppendLine().AppendLine(title);
        foreach (var (label, description) in list)
        {
            text.AppendLine(("  " + label.PadRight(width) + description).TrimEnd());
        }
    }

    /// <summary>
    /// Parses and runs: help or the version (exit code 0), the errors of a bad command line (1), or the command's
    /// action. Ctrl-C and SIGTERM cancel the action's token; if it has not ended <paramref name="terminationTimeout"/>
    /// later, this returns 130 (Ctrl-C) or 143 (SIGTERM) without it. An exception the action lets out is printed and
    /// gives exit code 1 (an <see cref="OperationCanceledException"/> silently).
    /// </summary>
    public static async Task<int> InvokeAsync(CliCommand root, IReadOnlyList<string> args, TextWriter output, TextWriter error, TimeSpan terminationTimeout, CancellationToken cancellationToken)
    {
        var parse = Parse(root, args, output, error);
        if (parse.HelpRequested)
        {
            await output.WriteAsync(Help(parse.Path)).ConfigureAwait(false);
            return 0;
        }

        if (parse.VersionRequested)
        {
            await output.WriteLineAsync(Version()).ConfigureAwait(false);
            return 0;
        }

        if (parse.Errors.Count > 0)
        {
            foreach (var message in parse.Errors)
            {
                await error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync($"Run '{CommandName(parse.Path)} --help' for usage.").ConfigureAwait(false);
            return 1;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var forced = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Terminate(int exitCode)
        {
            cancel.Cancel();
            _ = Task.Delay(terminationTimeout, CancellationToken.None).ContinueWith(_ => forced.TrySetResult(exitCode), TaskScheduler.Default);
        }

        ConsoleCancelEventHandler onCancelKey = (_, e) =>
        {
            e.Cancel = true;
            Terminate(InterruptedExitCode);
        };
        Console.CancelKeyPress += onCancelKey;
        PosixSignalRegistration? sigterm = null;
        try
        {
            sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Terminate(TerminatedExitCode);
            });
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGTERM here (a browser, a mobile OS): Ctrl-C still works where there is a console.
        }

        try
        {
            var action = RunActionAsync(parse, error, cancel.Token);
            return await (await Task.WhenAny(action, forced.Task).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancelKey;
            sigterm?.Dispose();
        }
    }

    private static async Task<int> RunActionAsync(CliParseResult parse, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await parse.Command.Action!(parse, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return 1;
        }
#pragma warning disable CA1031 // Whatever a command lets out ends it with a message and exit code 1, as a crash would, but readable.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"Unhandled exception: {ex}").ConfigureAwait(false);
            return 1;
        }
    }

    private static string Version()
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(CliParser).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}
