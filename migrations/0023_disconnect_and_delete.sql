-- Admin odds and ends (issue 13).
-- `/ponte disconnect`: the account stops opening tickets (its messages are recorded as from an
-- unknown account) until `/ponte connect` names it again.
ALTER TABLE connections
  ADD COLUMN disconnected_at timestamptz,
  ADD COLUMN disconnected_by text;

-- A deleted ticket (privacy requests): its messages and data are gone; the row stays as a
-- tombstone (protocol, thread) so its thread, card and the audit log can still name it.
ALTER TABLE tickets
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by text;
