using System.Globalization;
using System.Text;

namespace Currant;

/// <summary>
/// The one rule for the names Currant stores and sends, checked at every door (enqueue, worker start, registry,
/// signals) so a bad name fails there with a clear <see cref="ArgumentException"/> instead of deep in Postgres.
/// </summary>
/// <remarks>
/// Queue names travel as NOTIFY payloads (8,000 bytes at most) and are typed on command lines and in configuration,
/// so they follow River's shape: short, ASCII, no spaces. Execution and signal names are identifiers users choose
/// freely (Temporal allows any UTF-8), so they only exclude what breaks storage or display: control characters
/// (NUL above all, which Postgres text cannot hold), unpaired surrogates (not valid UTF-8) and white space at either
/// end (invisible, so two names that look alike would differ).
/// </remarks>
internal static class Names
{
    public const int MaxQueueLength = 128;
    public const int MaxNameLength = 256;

    public const string QueueRule = "queue names are 1 to 128 characters: ASCII letters, digits, '_', '-', '.' and ':'";

    // Shown in messages: enough to recognise the value, never a 10,000-character wall.
    private const int ShownLength = 40;

    /// <summary>Throws unless <paramref name="queue"/> follows <see cref="QueueRule"/>.</summary>
    public static void CheckQueue(string? queue, string? parameterName)
    {
        if (QueueProblem(queue) is { } problem)
        {
            throw Invalid("queue name", queue, problem, QueueRule, parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="name"/> is a valid execution name (the <c>Name</c> of a definition).</summary>
    public static void CheckExecutionName(string? name, string? parameterName)
    {
        if (NameProblem(name) is { } problem)
        {
            throw Invalid("execution name", name, problem, NameRule("execution"), parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="name"/> is a valid signal name.</summary>
    public static void CheckSignalName(string? name, string? parameterName)
    {
        if (NameProblem(name) is { } problem)
        {
            throw Invalid("signal name", name, problem, NameRule("signal"), parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="name"/> is a valid schedule name.</summary>
    public static void CheckScheduleName(string? name, string? parameterName)
    {
        if (NameProblem(name) is { } problem)
        {
            throw Invalid("schedule name", name, problem, NameRule("schedule"), parameterName);
        }
    }

    /// <summary>The message <see cref="CheckExecutionName"/> would throw with, or null when the name is valid.</summary>
    public static string? ExecutionNameMessage(string? name)
        => NameProblem(name) is { } problem ? Message("execution name", name, problem, NameRule("execution")) : null;

    private static string NameRule(string kind)
        => $"{kind} names are 1 to {MaxNameLength} characters, without control characters, unpaired surrogates or white space at either end";

    private static string? QueueProblem(string? queue)
    {
        if (string.IsNullOrEmpty(queue))
        {
            return "it is empty";
        }

        if (queue.Length > MaxQueueLength)
        {
            return $"it has {queue.Length.ToString("N0", CultureInfo.InvariantCulture)} characters";
        }

        foreach (var c in queue)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or ':'))
            {
                return $"it contains {Describe(c)}";
            }
        }

        return null;
    }

    private static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"it has {name.Length.ToString("N0", CultureInfo.InvariantCulture)} characters";
        }

        if (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
        {
            return "it starts or ends with white space";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c))
            {
                return $"it contains {Describe(c)}";
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
                {
                    i++;
                    continue;
                }

                return $"it contains the unpaired surrogate {Describe(c)}";
            }
        }

        return null;
    }

    private static ArgumentException Invalid(string what, string? value, string problem, string rule, string? parameterName)
        => value is null
            ? new ArgumentNullException(parameterName, Message(what, value, problem, rule))
            : new ArgumentException(Message(what, value, problem, rule), parameterName);

    private static string Message(string what, string? value, string problem, string rule)
        => $"The {what} {Show(value)} is not valid ({problem}): {rule}.";

    /// <summary>The value quoted, control characters made visible, cut to a recognisable prefix.</summary>
    internal static string Show(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = new StringBuilder("'");
        var shown = Math.Min(value.Length, ShownLength);
        for (var i = 0; i < shown; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        text.Append('\'');
        if (value.Length > ShownLength)
        {
            text.Insert(text.Length - 1, '…');
        }

        return text.ToString();
    }

    private static string Describe(char c)
        => char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c)
            ? $"U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}"
            : $"'{c}'";
}
