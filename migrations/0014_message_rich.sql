-- A system message's words as neutral rich text (src/core/rich-text.ts), which each agent-side
-- bridge renders and escapes in its own markup. `body` keeps the plain words, for search and
-- history. Rows from before this column have none: they are posted as their plain body.
ALTER TABLE messages ADD COLUMN rich jsonb;

-- Why a connection is unhealthy, as the catalogue key's last part (`auth`, `no_thread`,
-- `not_shown`), with the platform's words in `health_reason`: `/ponte status` words it in the
-- reader's language and each bridge renders it. Rows from before it keep their text, shown as is.
ALTER TABLE connections ADD COLUMN health_kind text;
