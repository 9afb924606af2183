namespace Currant.Testing;

/// <summary>
/// The SQL of the environment's database clock. Each environment has a database of its own, whose
/// <c>search_path</c> puts <c>currant_test_clock</c> before <c>pg_catalog</c>: every unqualified <c>now()</c> and
/// <c>clock_timestamp()</c> of Currant's queries, triggers and column defaults then reads the system clock plus the
/// skipped time (PostgreSQL resolves a function name along the path, and an explicitly listed pg_catalog is searched
/// where it is listed). Production databases never see any of this: the queries are the same text, with the same plans.
/// </summary>
internal static class TestClockQueries
{
    internal const string Schema = "currant_test_clock";

    // Runs once in the fresh database, before the migrations: column defaults (created_at, scheduled_at) bind to the
    // function the path finds when the table is created, so they must find these.
    internal const string Install = $"""
        CREATE SCHEMA {Schema};
        CREATE TABLE {Schema}.skipped (span interval NOT NULL);
        INSERT INTO {Schema}.skipped VALUES (interval '0');
        CREATE FUNCTION {Schema}.now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
            AS 'SELECT pg_catalog.now() + span FROM {Schema}.skipped';
        CREATE FUNCTION {Schema}.clock_timestamp() RETURNS timestamptz LANGUAGE sql VOLATILE PARALLEL SAFE
            AS 'SELECT pg_catalog.clock_timestamp() + span FROM {Schema}.skipped';
        """;

    // Identifiers cannot be parameters: {0} is a name the environment made of [a-z0-9_] only.
    internal const string SetSearchPath = $"ALTER DATABASE \"{{0}}\" SET search_path = {Schema}, pg_catalog, \"$user\", public";

    // One batch, one implicit transaction: the clock moves, then every queue with work due at the new time hears of it (the
    // workers claim at once instead of at their alarm, which was armed for the old time).
    internal const string Skip = $"UPDATE {Schema}.skipped SET span = span + @span";

    // A heartbeat says "alive now": when now moves, so does it, or the worker would look dead for the skipped time.
    internal const string MoveHeartbeats = "UPDATE currant.workers SET heartbeat_at = heartbeat_at + @span";

    internal const string NotifyDue = $"""
        SELECT pg_notify('{Persistence.SharedNames.PendingChannel}', queue)
        FROM (SELECT DISTINCT queue FROM currant.executions WHERE state = 'pending' AND scheduled_at <= now()) q
        """;

    // Schedules due at the new time: their workers' schedulers wake on currant_due (db/0010, Maintenance/Scheduler)
    // instead of at the alarm they armed for the old time.
    internal const string NotifySchedulesDue = """
        SELECT currant.notify_due(queue, next_run_at) FROM currant.schedules WHERE NOT paused AND next_run_at <= now()
        """;

    // Whether anything can happen without time passing: a row running (an activation, an activity, a job) or due now.
    // Otherwise, how long until the next pending row is due (null: nothing is scheduled).
    internal const string Quiet = """
        SELECT NOT EXISTS (SELECT 1 FROM currant.executions WHERE state = 'running')
                   AND NOT EXISTS (SELECT 1 FROM currant.executions WHERE state = 'pending' AND scheduled_at <= now()),
               (SELECT min(scheduled_at) - now() FROM currant.executions WHERE state = 'pending' AND scheduled_at > now())
        """;
}
