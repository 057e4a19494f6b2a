-- Messages an agent schedules for later (`!schedule in 2h <text>`); the row is the truth,
-- a BullMQ delayed job only wakes the worker, and the sweeper re-arms lost ones.
CREATE TABLE scheduled_messages (
  id              bigserial PRIMARY KEY,
  ticket_id       bigint NOT NULL REFERENCES tickets (id),
  author_agent_id bigint NOT NULL REFERENCES agents (id),
  body            text NOT NULL,
  send_at         timestamptz NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'cancelled', 'skipped')),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_messages_due ON scheduled_messages (send_at) WHERE state = 'pending';
