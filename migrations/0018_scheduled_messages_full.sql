-- Scheduled messages, fully (issue 13): to a contact with or without an open ticket, at a date
-- and time, with a template for when the reply window has closed, and every outcome kept on
-- the row (pending / sent / failed with its reason / cancelled) so lists can show it.
ALTER TABLE scheduled_messages
  ALTER COLUMN ticket_id DROP NOT NULL,
  ADD COLUMN contact_id    bigint REFERENCES contacts (id),
  ADD COLUMN connection_id bigint REFERENCES connections (id),
  -- {"name", "language"?, "params": []}: sent instead of the text when the window is closed.
  ADD COLUMN template      jsonb,
  -- Why a failed one did not go: a catalogue word (window_closed, blocked, template, …).
  ADD COLUMN failure       text,
  ADD COLUMN done_at       timestamptz;

UPDATE scheduled_messages s SET contact_id = t.contact_id, connection_id = t.connection_id
FROM tickets t WHERE t.id = s.ticket_id;
-- 'skipped' was the old word for a message that could not go; it is a failure with a reason.
UPDATE scheduled_messages SET state = 'failed', failure = 'closed_ticket' WHERE state = 'skipped';

ALTER TABLE scheduled_messages
  ALTER COLUMN contact_id SET NOT NULL,
  ALTER COLUMN connection_id SET NOT NULL,
  DROP CONSTRAINT scheduled_messages_state_check,
  ADD CONSTRAINT scheduled_messages_state_check CHECK (state IN ('pending', 'sent', 'failed', 'cancelled'));
CREATE INDEX scheduled_messages_author ON scheduled_messages (author_agent_id, send_at) WHERE state = 'pending';
CREATE INDEX scheduled_messages_contact ON scheduled_messages (contact_id);

-- An agent's own time zone for the times they type and read (`/ponte timezone`); null: the workspace's.
ALTER TABLE agents ADD COLUMN time_zone text;
