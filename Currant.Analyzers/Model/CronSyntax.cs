using System;
using System.Globalization;

namespace Currant.Analyzers.Model;

/// <summary>
/// The cron syntax Cronos accepts, checked without Cronos (the analyzer ships alone in the package): five fields
/// (minute hour day-of-month month day-of-week), six with seconds first, or a macro. Returns the first problem, or
/// null. A test runs the same expressions through Cronos so the two cannot drift apart unnoticed.
/// </summary>
internal static class CronSyntax
{
    private static readonly string[] Macros = ["@every_second", "@every_minute", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"];
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private enum Field { Second, Minute, Hour, DayOfMonth, Month, DayOfWeek }

    public static string? Problem(string expression)
    {
        var text = expression.Trim();
        if (text.Length == 0)
        {
            return "it is empty";
        }

        if (text[0] == '@')
        {
            foreach (var macro in Macros)
            {
                if (string.Equals(text, macro, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
            }

            return $"'{text}' is not a known macro (use {string.Join(", ", Macros)})";
        }

        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            return $"it has {fields.Length} fields; use 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first)";
        }

        var offset = fields.Length == 6 ? 0 : 1;
        for (var i = 0; i < fields.Length; i++)
        {
            var field = (Field)(i + offset);
            if (FieldProblem(fields[i], field) is { } problem)
            {
                return $"{Name(field)} '{fields[i]}': {problem}";
            }
        }

        return null;
    }

    private static string? FieldProblem(string text, Field field)
    {
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0)
            {
                return "an empty list item";
            }

            if (ItemProblem(item.ToUpperInvariant(), field) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? ItemProblem(string item, Field field)
    {
        var max = Range(field).Max;
        if (item == "?" && field is Field.DayOfMonth or Field.DayOfWeek)
        {
            return null;
        }

        if (field == Field.DayOfMonth)
        {
            if (item is "L" or "LW")
            {
                return null;
            }

            if (item.StartsWith("L-", StringComparison.Ordinal))
            {
                return int.TryParse(item.Substring(2), NumberStyles.None, CultureInfo.InvariantCulture, out var back) && back is >= 0 and <= 30
                    ? null
                    : $"'L-n' needs n from 0 to 30";
            }

            if (item.Length > 1 && item[item.Length - 1] == 'W')
            {
                return Value(item.Substring(0, item.Length - 1), field, out _);
            }
        }

        if (field == Field.DayOfWeek)
        {
            var hash = item.IndexOf('#');
            if (hash > 0)
            {
                return Value(item.Substring(0, hash), field, out _)
                    ?? (int.TryParse(item.Substring(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var nth) && nth is >= 1 and <= 5
                        ? null
                        : "'day#n' needs n from 1 to 5");
            }

            if (item.Length > 1 && item[item.Length - 1] == 'L')
            {
                return Value(item.Substring(0, item.Length - 1), field, out _);
            }
        }

        var body = item;
        var slash = item.IndexOf('/');
        if (slash >= 0)
        {
            body = item.Substring(0, slash);
            if (!int.TryParse(item.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1 || step > max)
            {
                return $"the step after '/' must be a number from 1 to {max}";
            }
        }

        if (body == "*")
        {
            return null;
        }

        var dash = body.IndexOf('-');
        if (dash > 0)
        {
            return Value(body.Substring(0, dash), field, out var from)
                ?? Value(body.Substring(dash + 1), field, out var to)
                ?? (from <= to ? null : $"the range {from}-{to} runs backwards");
        }

        return Value(body, field, out _);
    }

    private static string? Value(string text, Field field, out int value)
    {
        var (min, max) = Range(field);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return value >= min && value <= max ? null : $"{value} is outside {min}-{max}";
        }

        var names = field switch
        {
            Field.Month => MonthNames,
            Field.DayOfWeek => DayNames,
            _ => null,
        };
        var index = names is null ? -1 : Array.IndexOf(names, text);
        if (index >= 0)
        {
            value = field == Field.Month ? index + 1 : index;
            return null;
        }

        return $"'{text}' is not a number from {min} to {max}" + (names is null ? "" : $" or a name ({names[0]}-{names[names.Length - 1]})");
    }

    private static (int Min, int Max) Range(Field field) => field switch
    {
        Field.Second or Field.Minute => (0, 59),
        Field.Hour => (0, 23),
        Field.DayOfMonth => (1, 31),
        Field.Month => (1, 12),
        _ => (0, 7),
    };

    private static string Name(Field field) => field switch
    {
        Field.Second => "second",
        Field.Minute => "minute",
        Field.Hour => "hour",
        Field.DayOfMonth => "day of month",
        Field.Month => "month",
        _ => "day of week",
    };
}
