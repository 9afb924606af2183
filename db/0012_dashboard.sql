-- 0012: the dashboard (DESIGN.md §6).
--
-- dashboard_actions  every action taken from the dashboard (cancel, retry, resume, signal, bulk): who, what, when,
--                    on which execution or filter, and how it ended. Append-only; the dashboard's Actions page reads
--                    it newest first by its identity key.
--
-- Two indexes keep the executions page off sequential scans on millions of rows. Its paging walks the time-ordered
-- UUIDv7 primary key backwards (a time range is a key range), which suits the unfiltered list; a filter on the
-- name would otherwise walk the key until enough rows of that name turned up, so the name gets (name, id). Failed
-- rows are the state an operator filters on most, and they are few next to completed ones: a partial index holds
-- them (pending, running and suspended rows are already in the claim, running and parked indexes).

CREATE TABLE currant.dashboard_actions (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,                      -- the authenticated user's name, or 'anonymous'
    action       text        NOT NULL,                      -- cancel, retry, resume, signal, bulk-cancel, bulk-retry
    execution_id uuid,                                      -- null for bulk actions
    detail       text,                                      -- the signal's name, the bulk filter
    outcome      text        NOT NULL                       -- what it did ("cancelled 3", "refused: already finished")
);

CREATE INDEX executions_name_idx ON currant.executions (name, id);

CREATE INDEX executions_failed_idx ON currant.executions (id) WHERE state = 'failed';

-- The signals a workflow received, in arrival order, for its timeline: signals_workflow_idx (db/0011), which the
-- retention pass shares (signals_buffered_idx holds only the unconsumed).
