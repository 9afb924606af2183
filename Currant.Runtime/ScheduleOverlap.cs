namespace Currant;

/// <summary>What a schedule's fire time does while the run it started before is still pending, running or suspended.</summary>
public enum ScheduleOverlap
{
    /// <summary>Drop this fire time (Temporal's default): at most one run at a time.</summary>
    Skip,

    /// <summary>Hold one fire time and enqueue it when the running one ends; further fire times meanwhile are dropped.</summary>
    BufferOne,

    /// <summary>Enqueue every fire time, whatever still runs.</summary>
    Allow,
}
