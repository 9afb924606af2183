-- 0016: executions_name_idx (db/0012) and executions_queue_idx (db/0014) hold settled rows only (finished or
-- suspended), not pending or running ones.
--
-- A claim and a completion change `state`, which partial indexes' predicates name, so PostgreSQL cannot make them
-- HOT updates: every index whose predicate the new row version matches takes a new entry. As full indexes these two
-- took three entries per job (enqueue, claim, completion), all on the same rightmost page of a busy name or queue.
-- Measured on the quiet 2-core machine (`currant bench --jobs 30000 --concurrency 16`, the same build, two
-- alternating rounds): 5,592 and 9,191 jobs/s processed with them, 15,100 and 15,857 without; bulk enqueue 52–73k
-- against 110k jobs/s. Settled rows only, a job adds one entry to each, at its completion.
--
-- The dashboard reads pending and running rows through executions_claim_idx and executions_running_idx instead
-- (DashboardQueries.Page: three parts merged), so a name or queue filter still never walks the table.

DROP INDEX currant.executions_name_idx;
DROP INDEX currant.executions_queue_idx;
CREATE INDEX executions_name_idx ON currant.executions (name, id) WHERE state NOT IN ('pending', 'running');
CREATE INDEX executions_queue_idx ON currant.executions (queue, id) WHERE state NOT IN ('pending', 'running') AND kind <> 'timer';
