-- Quick replies: `!!shortcut` in a ticket thread sends the text, variables filled in.
CREATE TABLE quick_replies (
  shortcut   text PRIMARY KEY CHECK (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  body       text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
