-- Tags on the contact itself (follow them from ticket to ticket), beside the ticket's own.
CREATE TABLE contact_tags (
  contact_id bigint NOT NULL REFERENCES contacts (id),
  tag_id     bigint NOT NULL REFERENCES tags (id),
  PRIMARY KEY (contact_id, tag_id)
);
