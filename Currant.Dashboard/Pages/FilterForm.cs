using System.Globalization;
using Currant.Persistence;
using Microsoft.Extensions.Primitives;

namespace Currant.Dashboard.Pages;

/// <summary>
/// The executions filter as the page's query string (and the bulk actions' form) carries it: kind, name, state,
/// queue, q (an id or an idempotency key), from, to (UTC unless an offset is given), tag (<c>key=value</c>; the field may
/// repeat, and an execution must hold every tag given).
/// </summary>
internal static class FilterForm
{
    public static readonly string[] Fields = ["kind", "name", "state", "queue", "q", "from", "to", "tag"];

    /// <summary>The filter, or an error naming the field and what it accepts (the page answers 400 with it).</summary>
    public static DashboardFilter Parse(Func<string, StringValues> get, out string? error)
    {
        error = null;
        string? Value(string field) => get(field).ToString() is { Length: > 0 } v ? v.Trim() : null;

        ExecutionKind? kind = null;
        if (Value("kind") is { } k)
        {
            if (!Enum.TryParse<ExecutionKind>(k, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(k, out _))
            {
                error = $"Unknown kind '{k}': use job, activity, workflow or timer.";
                return new DashboardFilter();
            }

            kind = parsed;
        }

        ExecutionState? state = null;
        var parkedOnly = false;
        if (Value("state") is { } s)
        {
            if (s.Equals("parked", StringComparison.OrdinalIgnoreCase))
            {
                state = ExecutionState.Suspended;
                parkedOnly = true;
            }
            else if (!Enum.TryParse<ExecutionState>(s, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(s, out _))
            {
                error = $"Unknown state '{s}': use pending, running, suspended, parked, completed, failed or cancelled.";
                return new DashboardFilter();
            }
            else
            {
                state = parsed;
            }
        }

        DateTimeOffset? from = null, to = null;
        foreach (var field in (string[])["from", "to"])
        {
            if (Value(field) is not { } text)
            {
                continue;
            }

            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                error = $"'{text}' is not a time for '{field}': use ISO 8601, e.g. 2026-01-31T14:00 (UTC) or 2026-01-31T14:00+01:00.";
                return new DashboardFilter();
            }

            if (field == "from")
            {
                from = at;
            }
            else
            {
                to = at;
            }
        }

        Guid? id = null;
        string? key = null;
        if (Value("q") is { } q)
        {
            if (Guid.TryParse(q, out var parsed))
            {
                id = parsed;
            }
            else
            {
                key = q;
            }
        }

        Dictionary<string, string>? tags = null;
        foreach (var text in get("tag"))
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            KeyValuePair<string, string> tag;
            try
            {
                tag = ExecutionTags.Parse(text.Trim());
            }
            catch (ArgumentException ex)
            {
                error = $"tag: {ex.Message.Split(" (Parameter", 2)[0]}";
                return new DashboardFilter();
            }

            tags ??= new Dictionary<string, string>(StringComparer.Ordinal);
            if (!tags.TryAdd(tag.Key, tag.Value))
            {
                error = $"tag: the key '{tag.Key}' is given twice; an execution holds one value per key.";
                return new DashboardFilter();
            }
        }

        return new DashboardFilter
        {
            Kind = kind,
            Name = Value("name"),
            State = state,
            Parked = parkedOnly,
            Queue = Value("queue"),
            From = from,
            To = to,
            Id = id,
            IdempotencyKey = key,
            Tags = tags,
        };
    }

    /// <summary>The query string of the fields that are set (for links that keep the filter).</summary>
    public static string Query(Func<string, StringValues> get, params (string Name, string? Value)[] extra)
    {
        var parts = Fields.SelectMany(f => get(f).Select(v => (f, v ?? ""))).Concat(extra.Select(e => (e.Name, e.Value ?? "")))
            .Where(p => p.Item2.Length > 0)
            .Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2));
        return string.Join("&", parts);
    }
}
