using System;

namespace Currant.Analyzers.Model;

/// <summary>
/// Time zone ids as the worker will look them up. The check runs only where the build machine has a time zone
/// database (it knows Europe/Berlin): a container without tzdata would otherwise flag every zone.
/// </summary>
internal static class TimeZones
{
    private static readonly Lazy<bool> HasDatabase = new(() => Find("Europe/Berlin"));

    public static bool IsKnown(string id)
        => string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase) || !HasDatabase.Value || Find(id);

    private static bool Find(string id)
    {
        if (id.Trim().Length == 0)
        {
            return false;
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException)
        {
            return false;
        }
    }
}
