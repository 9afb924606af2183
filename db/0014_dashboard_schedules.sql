-- 0014: the dashboard's schedules page (DESIGN.md §6, issue 14).
--
-- A schedule's page lists its recent runs, newest first. A run is an execution of the schedule's target whose
-- idempotency key is `schedule:<name>:<fire time>` (or `schedule:<name>:trigger:<id>` for "trigger now"). The
-- idempotency index orders by key, not by time, and executions_name_idx (name, id) holds every execution of the
-- target, so a job that is both scheduled and enqueued by hand would make the page walk the hand-made rows looking
-- for runs. This partial index holds only the schedules' runs: (name, id), walked backwards, reads the newest runs
-- first and stops at the page's limit. The predicate is written as DashboardQueries.ScheduleRuns writes it (the
-- planner matches it exactly).
--
-- Cost to writers: one index entry per schedule run inserted (one per fire time); other enqueues do not touch it
-- (the predicate is false), and state changes of a run do not either (no indexed column changes, so updates stay HOT).

CREATE INDEX executions_schedule_runs_idx ON currant.executions (name, id) WHERE left(idempotency_key, 9) = 'schedule:';
