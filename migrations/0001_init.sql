-- Ponte's ticket core: the first slice (walking skeleton).
-- Forward-only. Facts that must hold are enforced here, not only in code.

CREATE TABLE departments (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL,
  slack_channel text,
  discord_channel text,
  is_default    boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departments_name_key ON departments (lower(name));
-- Exactly one default department: new tickets land there unless a connection says otherwise.
CREATE UNIQUE INDEX departments_one_default ON departments (is_default) WHERE is_default;
INSERT INTO departments (name, is_default) VALUES ('General', true);

-- A customer-side account (WhatsApp phone_number_id, Facebook page id, Instagram account id)
-- and where its tickets appear on the agent side.
CREATE TABLE connections (
  id                  bigserial PRIMARY KEY,
  channel             text NOT NULL CHECK (channel IN ('whatsapp', 'messenger', 'instagram')),
  account_id          text NOT NULL,
  business_account_id text,
  token_encrypted     text,
  department_id       bigint NOT NULL REFERENCES departments (id),
  agent_platform      text NOT NULL CHECK (agent_platform IN ('slack', 'discord')),
  agent_destination   text NOT NULL,
  healthy             boolean NOT NULL DEFAULT true,
  health_reason       text,
  created_by          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, account_id)
);

CREATE TABLE contacts (
  id              bigserial PRIMARY KEY,
  channel         text NOT NULL,
  external_id     text NOT NULL,          -- wa_id / PSID / IGSID
  name            text,
  phone           text,
  custom_fields   jsonb NOT NULL DEFAULT '{}',
  blocked         boolean NOT NULL DEFAULT false,
  last_inbound_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, external_id)
);

-- People on the agent side. display_name is a cache of the platform profile (profile_fetched_at).
CREATE TABLE agents (
  id                 bigserial PRIMARY KEY,
  platform           text NOT NULL CHECK (platform IN ('slack', 'discord')),
  platform_user_id   text NOT NULL,
  display_name       text,
  role               text NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin')),
  platform_admin     boolean NOT NULL DEFAULT false,
  signature_enabled  boolean NOT NULL DEFAULT true,
  closing_message    text,
  profile_fetched_at timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, platform_user_id)
);

CREATE SEQUENCE ticket_protocol_seq;

CREATE TABLE tickets (
  id                 bigserial PRIMARY KEY,
  protocol           text NOT NULL UNIQUE,
  contact_id         bigint NOT NULL REFERENCES contacts (id),
  connection_id      bigint NOT NULL REFERENCES connections (id),
  department_id      bigint NOT NULL REFERENCES departments (id),
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'open', 'resolved')),
  assignee_id        bigint REFERENCES agents (id),
  previous_ticket_id bigint REFERENCES tickets (id),
  opened_at          timestamptz NOT NULL DEFAULT now(),
  accepted_at        timestamptz,
  resolved_at        timestamptz,
  resolved_by        bigint REFERENCES agents (id),
  close_reason       text,
  last_message_at    timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- At most one active ticket per contact per connection (DESIGN §5), enforced by the database.
CREATE UNIQUE INDEX tickets_one_active ON tickets (contact_id, connection_id) WHERE status <> 'resolved';
CREATE INDEX tickets_status ON tickets (status, last_message_at DESC);

-- Ticket ↔ agent-side thread (Slack channel + thread ts, or Discord thread id).
CREATE TABLE thread_links (
  id           bigserial PRIMARY KEY,
  ticket_id    bigint NOT NULL REFERENCES tickets (id),
  platform     text NOT NULL,
  container_id text NOT NULL,
  thread_id    text NOT NULL,
  is_current   boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, container_id, thread_id)
);
CREATE UNIQUE INDEX thread_links_current ON thread_links (ticket_id, platform) WHERE is_current;

CREATE TABLE messages (
  id              bigserial PRIMARY KEY,
  ticket_id       bigint NOT NULL REFERENCES tickets (id),
  direction       text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note', 'system')),
  author_agent_id bigint REFERENCES agents (id),
  kind            text NOT NULL DEFAULT 'text',
  body            text NOT NULL DEFAULT '',
  attachments     jsonb NOT NULL DEFAULT '[]',
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  delivery_status text CHECK (delivery_status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'uncertain')),
  delivery_error  text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_ticket ON messages (ticket_id, id);

-- One row per platform id of a message. The primary key is the idempotency key for mirroring,
-- the map for replies/reactions/statuses, and the echo filter, all at once.
CREATE TABLE message_links (
  message_id  bigint NOT NULL REFERENCES messages (id),
  platform    text NOT NULL,
  external_id text NOT NULL,
  PRIMARY KEY (platform, external_id)
);
CREATE INDEX message_links_message ON message_links (message_id);

-- Every inbound delivery (one row per event of a batch), with its dedupe key. Rows in state
-- 'pending' are the durable inbox that the ingest worker drains, per ordering key, in order.
CREATE TABLE inbound_events (
  id           bigserial PRIMARY KEY,
  source       text NOT NULL,
  kind         text NOT NULL,
  dedupe_key   text UNIQUE,
  ordering_key text,
  state        text NOT NULL CHECK (state IN ('pending', 'done', 'ignored', 'rejected', 'failed')),
  reason       text,
  payload      jsonb,
  raw          text,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0
);
CREATE INDEX inbound_events_pending ON inbound_events (ordering_key, occurred_at, id) WHERE state = 'pending';
CREATE INDEX inbound_events_reason ON inbound_events (reason) WHERE state IN ('ignored', 'rejected', 'failed');

-- Side effects, written in the same transaction as the state change that causes them.
-- A lane is an ordered stream (one per ticket and direction); dispatch keeps lane order.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  lane            text NOT NULL,
  kind            text NOT NULL,
  payload         jsonb NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed', 'uncertain')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  done_at         timestamptz
);
CREATE INDEX outbox_lane_open ON outbox (lane, id) WHERE state IN ('pending', 'sending');

CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  actor   text NOT NULL,
  action  text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  at      timestamptz NOT NULL DEFAULT now()
);
