using Currant.Scheduling;

namespace Currant.Persistence;

/// <summary>A schedule to create or update: its name, what it enqueues, and its parsed expression.</summary>
internal sealed record NewSchedule(string Name, ScheduleTemplate Template, ScheduleSpec Spec, ScheduleCalendar Calendar, bool FromAttribute);
