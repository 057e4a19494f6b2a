-- The department menu for new customers (issue 13): a connection's menu of departments, asked of
-- a customer who starts a new conversation; their ticket waits, with no thread, until they choose.

-- One menu per connection: on or off, its own question (else the catalogue's), and the
-- departments offered, in the order they are numbered.
CREATE TABLE department_menus (
  connection_id  bigint PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
  enabled        boolean NOT NULL DEFAULT false,
  question       text,
  department_ids bigint[] NOT NULL DEFAULT '{}',
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A ticket waiting for its customer's choice: until when (then it goes to the default
-- department), and how many answers were not a choice (one is asked again, the next routes).
ALTER TABLE tickets
  ADD COLUMN menu_until timestamptz,
  ADD COLUMN menu_misses smallint NOT NULL DEFAULT 0;

CREATE INDEX tickets_menu_until ON tickets (menu_until) WHERE menu_until IS NOT NULL;
