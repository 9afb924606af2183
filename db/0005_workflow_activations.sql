-- 0005: a workflow's activations are not its attempts.
--
-- A workflow is claimed once per activation (its start, each child result, signal or timer that wakes it), and
-- every claim used to add one to `attempt`, so `currant status` showed a workflow on "attempt 6 of 4". Attempts
-- count tries at the whole execution: a workflow's is 1 from its first claim and grows only when it is retried on
-- request (currant retry, RetryAsync). Activations are counted here instead.
--
-- `attempt` was also the write fence of a claim (worker_id, attempt). A workflow's fence is now `activations`:
-- bumped by every claim of a workflow and never lowered (a workflow handed back at shutdown keeps its count, so a
-- token is never reused), while jobs, activities and timers keep fencing on `attempt`. Every fenced statement
-- compares `CASE WHEN kind = 'workflow' THEN activations ELSE attempt END`. Jobs, activities and timers keep 0.
--
-- Adding the column with a constant default rewrites no rows. Nothing has shipped, so existing rows are not
-- converted: a workflow created before this keeps the attempt it had (its activations) and starts counting here.

ALTER TABLE currant.executions ADD COLUMN activations integer NOT NULL DEFAULT 0;
