-- Scheduled resolve: the deadline lives here; a BullMQ delayed job only wakes the worker,
-- which acts only if the row still says so (guarantee 6), and the sweeper re-arms lost jobs.
ALTER TABLE tickets
  ADD COLUMN scheduled_close_at     timestamptz,
  ADD COLUMN scheduled_close_by     bigint REFERENCES agents (id),
  ADD COLUMN scheduled_close_keep   boolean NOT NULL DEFAULT false,
  ADD COLUMN scheduled_close_silent boolean NOT NULL DEFAULT false,
  ADD COLUMN scheduled_close_reason text;
CREATE INDEX tickets_scheduled_close ON tickets (scheduled_close_at) WHERE scheduled_close_at IS NOT NULL;
