-- Inactivity (issue 13), per department: warn a customer who owes a reply after
-- inactivity_warn_seconds, resolve after inactivity_close_seconds more; and, with window_close,
-- resolve when the channel's reply window closes. NULL seconds: off.
ALTER TABLE departments
  ADD COLUMN inactivity_warn_seconds  integer CHECK (inactivity_warn_seconds > 0),
  ADD COLUMN inactivity_close_seconds integer CHECK (inactivity_close_seconds > 0),
  ADD COLUMN inactivity_text          text,
  ADD COLUMN window_close             boolean NOT NULL DEFAULT false;

-- The ticket's next inactivity step and when it is due; window_close_at is when its reply window
-- closes (set from the customer's last message while the department's window_close is on).
-- As with scheduled_close_at, the row is the truth: a BullMQ job only wakes the worker, and the
-- sweeper arms what is due within a minute (guarantees 5 and 6).
ALTER TABLE tickets
  ADD COLUMN inactivity_step text CHECK (inactivity_step IN ('warn', 'close')),
  ADD COLUMN inactivity_at   timestamptz,
  ADD COLUMN window_close_at timestamptz;
CREATE INDEX tickets_inactivity_at ON tickets (inactivity_at) WHERE inactivity_at IS NOT NULL;
CREATE INDEX tickets_window_close_at ON tickets (window_close_at) WHERE window_close_at IS NOT NULL;
