-- Contact comments (issue 13): today's contact notes become comments that are either general
-- (shown on every ticket of the contact) or for one conversation only (`scope = 'conversation'`,
-- shown only on `ticket_id`), and can be edited and deleted. A deleted comment is kept, marked,
-- so the audit of who said what stays; it is never shown again.
ALTER TABLE contact_notes
  ADD COLUMN scope      text NOT NULL DEFAULT 'general' CHECK (scope IN ('general', 'conversation')),
  ADD COLUMN edited_at  timestamptz,
  ADD COLUMN edited_by  bigint REFERENCES agents (id),
  ADD COLUMN deleted_at timestamptz;
-- A conversation-only comment belongs to a ticket.
ALTER TABLE contact_notes ADD CONSTRAINT contact_notes_conversation_ticket CHECK (scope = 'general' OR ticket_id IS NOT NULL);

-- A contact's history (`!history`): their tickets, newest first.
CREATE INDEX tickets_contact_opened ON tickets (contact_id, opened_at DESC, id DESC);

-- `/ponte tickets` filters and sorts: each filter that narrows by a column has an index to start from.
CREATE INDEX tickets_department_last ON tickets (department_id, last_message_at DESC);
CREATE INDEX tickets_assignee_last ON tickets (assignee_id, last_message_at DESC) WHERE assignee_id IS NOT NULL;
CREATE INDEX tickets_connection_last ON tickets (connection_id, last_message_at DESC);
CREATE INDEX tickets_opened ON tickets (opened_at DESC);
-- `campaign:` reads only the tickets that came from an ad (referral), newest first.
CREATE INDEX tickets_from_ads ON tickets (opened_at DESC) WHERE referral IS NOT NULL;
