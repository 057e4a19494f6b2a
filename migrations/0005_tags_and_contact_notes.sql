-- Tags on tickets, and notes about a contact that follow them to their next tickets.
CREATE TABLE tags (
  id   bigserial PRIMARY KEY,
  name text NOT NULL CHECK (name ~ '^[a-z0-9à-ÿ][a-z0-9à-ÿ_-]{0,31}$')
);
CREATE UNIQUE INDEX tags_name_key ON tags (name);

CREATE TABLE ticket_tags (
  ticket_id bigint NOT NULL REFERENCES tickets (id),
  tag_id    bigint NOT NULL REFERENCES tags (id),
  PRIMARY KEY (ticket_id, tag_id)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag_id);

CREATE TABLE contact_notes (
  id              bigserial PRIMARY KEY,
  contact_id      bigint NOT NULL REFERENCES contacts (id),
  ticket_id       bigint REFERENCES tickets (id),
  author_agent_id bigint REFERENCES agents (id),
  body            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, id);
