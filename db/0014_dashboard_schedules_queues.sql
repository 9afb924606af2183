-- 0014: the dashboard's schedules page and its queue filter (DESIGN.md §6, issue 14).
--
-- A schedule's page lists its recent runs, newest first. A run is an execution of the schedule's target whose
-- idempotency key is `schedule:<name>:<fire time>` (or `schedule:<name>:trigger:<id>` for "trigger now"). The
-- idempotency index orders by key, not by time, and executions_name_idx (name, id) holds every execution of the
-- target, so a job that is both scheduled and enqueued by hand would make the page walk the hand-made rows looking
-- for runs. This partial index holds only the schedules' runs: (name, id), walked backwards, reads the newest runs
-- first and stops at the page's limit. The predicate is written as DashboardQueries.ScheduleRuns writes it (the
-- planner matches it exactly).
--
-- Cost to writers: schedule runs only; other enqueues do not touch it (the predicate is false). A run takes an entry
-- when inserted and one more at each state change (claim, completion, retry): those updates are never HOT, because
-- `state` is named by the predicates of other partial indexes (claim, running, finished), so every index whose
-- predicate the new row version matches gets an entry. (The comment first written here said the updates stay HOT;
-- they do not. Comment only: migrations are tracked by version.)

CREATE INDEX executions_schedule_runs_idx ON currant.executions (name, id) WHERE left(idempotency_key, 9) = 'schedule:';

-- The executions page filtered by a queue. Pending, running and parked rows already have an index by queue (claim,
-- running, parked), but finished rows do not, so a filter on a small queue walked the primary key through every
-- finished row looking for its page (108 ms on 1,000,000 rows, and 76 ms for its capped count: docs/benchmarks.md).
-- (queue, id) walked backwards reads the queue's newest rows first, as executions_name_idx does for a name.
-- Timers are left out (the page shows them only when asked for by kind, and the planner proves `kind = 'job'` or the
-- page's `kind <> 'timer'` implies the predicate), so workflows' timers cost nothing here.
--
-- Cost to writers: a full index on the hot path. One entry per job, activity or workflow inserted, and one per update
-- that is not HOT; the state changes (claim, completion, retry) are not HOT already, because the partial indexes on
-- state (claim, running, failed, finished) change membership, so a job's life adds about three entries here, as it
-- does in executions_name_idx. The lead's throughput benchmark is the place to see its price; dropping it only makes
-- the queue filter slow again. (Its price was a third of the jobs throughput: db/0016 replaces it with one on settled
-- rows only.)
CREATE INDEX executions_queue_idx ON currant.executions (queue, id) WHERE kind <> 'timer';
