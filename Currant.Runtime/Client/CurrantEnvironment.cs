using System.Globalization;

namespace Currant;

/// <summary>Reads the <c>CURRANT_*</c> environment variables (DESIGN.md §6), with errors that name the variable.</summary>
internal static class CurrantEnvironment
{
    public const string DatabaseUrl = "CURRANT_DATABASE_URL";

    public static TimeSpan GetDuration(string variable, TimeSpan fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback : ParseDuration(value, variable);
    }

    /// <summary>A retention: a duration, or "forever"/"off" (null: keep forever).</summary>
    public static TimeSpan? GetRetention(string variable, TimeSpan fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback
            : value.Trim().Equals("forever", StringComparison.OrdinalIgnoreCase) || value.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) ? null
            : ParseDuration(value, variable);
    }

    public static int GetInt(string variable, int fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
            ? parsed
            : throw new FormatException($"{variable}='{value}' is not a non-negative whole number.");
    }

    /// <summary>Accepts plain seconds ("5", "0.5"), suffixed values ("500ms", "5s", "2m", "1h") or "hh:mm:ss".</summary>
    public static TimeSpan ParseDuration(string value, string what)
    {
        var text = value.Trim();
        static bool Number(string s, out double d) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && d >= 0;
        if (Number(text, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        (string suffix, double scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && Number(text[..^suffix.Length], out var n))
            {
                return TimeSpan.FromSeconds(n * scale);
            }
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        throw new FormatException($"{what}='{value}' is not a duration (use seconds like '5', or '500ms', '5s', '2m', '1h', '00:00:05').");
    }
}
