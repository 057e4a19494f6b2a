-- Closing well (issue 13): a department's close reasons, the contact fields asked for at close,
-- and the customer's answer to the satisfaction survey.

-- The reasons an agent picks from when resolving a ticket of the department (or types another).
CREATE TABLE close_reasons (
  department_id bigint NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (department_id, reason)
);

-- Contact custom fields (contacts.custom_fields) asked for at close: required ones must hold a
-- value before a ticket resolves; optional ones are only offered.
CREATE TABLE close_fields (
  name       text PRIMARY KEY,
  required   boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The satisfaction survey: when it was sent (the answer is awaited for a while after), and the
-- customer's 1–5 answer with its time.
ALTER TABLE tickets
  ADD COLUMN survey_sent_at timestamptz,
  ADD COLUMN csat smallint CHECK (csat BETWEEN 1 AND 5),
  ADD COLUMN csat_at timestamptz;

CREATE INDEX tickets_csat_at ON tickets (csat_at) WHERE csat IS NOT NULL;
