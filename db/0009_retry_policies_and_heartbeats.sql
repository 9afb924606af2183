-- 0009: retry policies and heartbeats for jobs and activities (DESIGN.md §2.1).
--
-- retry_policy          how a failed attempt is retried: {"initialDelay": s, "backoff": x, "maxDelay": s,
--                       "nonRetryable": ["Exception.Type", ...]}, each key optional (the worker's defaults fill the
--                       gaps); NULL for the worker's defaults. Stored with the row, so the worker that retries an
--                       attempt needs no definition lookup and a per-call policy survives.
-- heartbeat_timeout_ms  a running attempt that sent no heartbeat for this long is failed as timed out (and retried
--                       while attempts remain) by any live worker's sweep, even when its own worker is stuck or dead.
-- heartbeat_at          the last heartbeat written (throttled by the SDK); never in an index, so a heartbeat is a
--                       HOT update.
-- heartbeat_details     the progress the last heartbeat carried; kept across attempts, so a retried attempt resumes
--                       from it (Execution.GetHeartbeatDetails).

ALTER TABLE currant.executions
    ADD COLUMN retry_policy         jsonb,
    ADD COLUMN heartbeat_timeout_ms integer,
    ADD COLUMN heartbeat_at         timestamptz,
    ADD COLUMN heartbeat_details    jsonb;

-- The heartbeat sweep: running rows that have a heartbeat timeout (few; most rows have none and stay out of it).
-- started_at changes only when state does, so heartbeats leave the index alone.
CREATE INDEX executions_heartbeat_idx ON currant.executions (started_at) WHERE state = 'running' AND heartbeat_timeout_ms IS NOT NULL;

-- The delay before attempt `attempt` + 1, as Currant.Worker.RetryBackoff computes it in C#: initialDelay ×
-- backoff^(attempt - 1), at most maxDelay, then ±25% jitter. Unset keys take the worker's defaults (base, max,
-- a backoff of 2); a maxDelay below an explicit initialDelay never shortens it.
CREATE FUNCTION currant.retry_delay(policy jsonb, attempt integer, base_delay interval, max_delay interval) RETURNS interval
LANGUAGE sql VOLATILE AS $$
    WITH p AS (
        SELECT COALESCE((policy->>'initialDelay')::float8, extract(epoch FROM base_delay)) AS initial,
               COALESCE((policy->>'backoff')::float8, 2) AS backoff,
               COALESCE((policy->>'maxDelay')::float8,
                        GREATEST(extract(epoch FROM max_delay), COALESCE((policy->>'initialDelay')::float8, 0))) AS maximum
    )
    -- In logarithms, so a large backoff or attempt number cannot overflow float8.
    SELECT make_interval(secs => CASE WHEN initial <= 0 OR maximum <= 0 THEN 0
                                      ELSE exp(LEAST(ln(initial) + GREATEST(attempt - 1, 0) * ln(GREATEST(backoff, 1)), ln(maximum))) END
                                 * (0.75 + random() * 0.5))
    FROM p
$$;
