-- Indexes for lookups on the hot path (measured with npm run bench; see docs/performance.md).

-- A contact's previous ticket, read when a new one opens: without this, a scan of tickets.
CREATE INDEX tickets_contact_connection ON tickets (contact_id, connection_id, id DESC);

-- "Is this message already on that platform?": read by every dispatch of a message. The plan
-- is obvious from the index alone, before the table has statistics.
CREATE INDEX message_links_message_platform ON message_links (message_id, platform);
DROP INDEX message_links_message;
