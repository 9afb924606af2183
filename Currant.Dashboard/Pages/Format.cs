using System.Globalization;
using Currant.Dashboard.Html;

namespace Currant.Dashboard.Pages;

/// <summary>How values read on the pages: UTC times, short durations, state badges, capped counts.</summary>
internal static class Format
{
    public static string Time(DateTimeOffset? at)
        => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC" : "-";

    public static string Duration(TimeSpan? span)
    {
        if (span is not { } d)
        {
            return "-";
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalSeconds < 1 ? $"{d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
            : d.TotalMinutes < 1 ? $"{d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
            : d.TotalHours < 1 ? $"{(int)d.TotalMinutes} min {d.Seconds} s"
            : d.TotalDays < 1 ? $"{(int)d.TotalHours} h {d.Minutes} min"
            : $"{(int)d.TotalDays} d {d.Hours} h";
    }

    public static string Count(long n, int cap) => n >= cap ? cap.ToString("N0", CultureInfo.InvariantCulture) + "+" : n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static string ShortId(Guid id) => id.ToString()[..8];

    /// <summary>A parked workflow is suspended with an error: the state a user must act on, so it reads "parked".</summary>
    public static string StateOf(ExecutionInfo e) => e.State == ExecutionState.Suspended && e.Error is not null ? "parked" : Lower(e.State);

    public static void State(HtmlWriter h, ExecutionInfo e)
    {
        var state = StateOf(e);
        h.Element("span", state + (e.CancelRequested && !e.IsFinished ? " (cancel requested)" : ""), ("class", "state " + state), ("data-state", state));
    }

    /// <summary>The trace id of a W3C traceparent (<c>00-&lt;trace&gt;-&lt;span&gt;-&lt;flags&gt;</c>), or the whole value if it is not one.</summary>
    public static string? TraceId(string? traceparent)
    {
        if (traceparent is null)
        {
            return null;
        }

        var parts = traceparent.Split('-');
        return parts.Length == 4 && parts[1].Length == 32 ? parts[1] : traceparent;
    }
}
