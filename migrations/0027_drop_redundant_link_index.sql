-- Issue 14, cheaper per message: message_links_message (message_id) is the leading column of
-- message_links_message_platform (message_id, platform), which serves every lookup by message
-- (and the foreign key's checks) as well. Each mirrored message writes two links (the
-- customer's platform id and the agent-side post), so each kept a second index entry for nothing.
DROP INDEX IF EXISTS message_links_message;
