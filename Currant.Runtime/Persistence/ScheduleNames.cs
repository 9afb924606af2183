namespace Currant.Persistence;

/// <summary>The text db/0010 stores for the schedule enums and sources (CHECK-constrained).</summary>
internal static class ScheduleNames
{
    public const string AttributeSource = "attribute";
    public const string ApiSource = "api";

    /// <summary>The idempotency key of the run a schedule enqueues for one fire time.</summary>
    public static string RunKey(string schedule, DateTime fireTimeUtc)
        => $"schedule:{schedule}:{fireTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)}";

    public static string ToDb(this ScheduleOverlap overlap) => overlap switch
    {
        ScheduleOverlap.Skip => "skip",
        ScheduleOverlap.BufferOne => "buffer_one",
        ScheduleOverlap.Allow => "allow",
        _ => throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "Unknown overlap policy."),
    };

    public static string ToDb(this ScheduleCatchUp catchUp) => catchUp switch
    {
        ScheduleCatchUp.Latest => "latest",
        ScheduleCatchUp.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(catchUp), catchUp, "Unknown catch-up policy."),
    };

    public static ScheduleOverlap ParseOverlap(string value) => value switch
    {
        "skip" => ScheduleOverlap.Skip,
        "buffer_one" => ScheduleOverlap.BufferOne,
        "allow" => ScheduleOverlap.Allow,
        _ => throw new FormatException($"Unknown overlap policy '{value}'."),
    };

    public static ScheduleCatchUp ParseCatchUp(string value) => value switch
    {
        "latest" => ScheduleCatchUp.Latest,
        "all" => ScheduleCatchUp.All,
        _ => throw new FormatException($"Unknown catch-up policy '{value}'."),
    };
}
