-- Merged posts (issue 14): customer messages that waited in a ticket's agent lane may be posted
-- as one post (src/pipeline/merge.ts), and each of them is linked to it. A platform id stays
-- unique to one message everywhere else (the idempotency key of mirroring, the echo filter):
-- only links marked `merged` may share one. Each message appears once per shared post.
ALTER TABLE message_links ADD COLUMN merged boolean NOT NULL DEFAULT false;
ALTER TABLE message_links DROP CONSTRAINT message_links_pkey;
ALTER TABLE message_links ADD PRIMARY KEY (platform, external_id, message_id);
CREATE UNIQUE INDEX message_links_one_message ON message_links (platform, external_id) WHERE NOT merged;
