-- 0013: the claim's fast path. Issue 13's queue controls added two partial indexes on running rows
-- (executions_running_queue_idx, executions_running_name_idx, db/0011) for the limited claim to count room with.
-- A claim is a state change, so PostgreSQL cannot make it a HOT update: every index whose predicate the new row
-- matches gets an entry, and those two took one each on every claim of every queue, limited or not (measured with
-- pg_stat_statements on `currant bench --jobs 30000`: 8.2 WAL records per claimed row against 5.0 before them).
-- The plain claim (ExecutionQueries.Claim) never counts; the limited claim (ExecutionQueries.ClaimLimited) counts
-- the running rows of a queue or a key through executions_running_idx, whose entries are the running rows only (at
-- most every worker's slots), filtering on queue or name in the heap.

DROP INDEX currant.executions_running_queue_idx;
DROP INDEX currant.executions_running_name_idx;
