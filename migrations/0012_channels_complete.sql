-- Channel completion: media, quotes, referrals, templates, retried parts.

-- When a message to a customer first left (Messenger/Instagram watermarks are compared with it).
ALTER TABLE messages ADD COLUMN sent_at timestamptz;

-- A quoted message's words, kept with the reply (the original may be on another ticket).
ALTER TABLE messages ADD COLUMN quote text;

-- Which part of a split reply a customer-side id belongs to (a part that fails with
-- "try later" is sent again on its own).
ALTER TABLE message_links ADD COLUMN part integer;

-- How the customer arrived (click-to-WhatsApp ad, Messenger referral): shown on the card.
ALTER TABLE tickets ADD COLUMN referral jsonb;

-- Approved message templates per WhatsApp Business Account, as `/ponte templates sync` last saw them.
CREATE TABLE templates (
  id                  bigserial PRIMARY KEY,
  business_account_id text NOT NULL,
  name                text NOT NULL,
  language            text NOT NULL,
  category            text NOT NULL,
  status              text NOT NULL,
  body                text NOT NULL,
  param_count         integer NOT NULL DEFAULT 0,
  synced_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (business_account_id, name, language)
);

-- A connection warns its admins once per outage (an expired token), not once per message.
ALTER TABLE connections ADD COLUMN alerted_at timestamptz;

-- A customer's reaction is kept as a message that points at the message it reacts to, so a
-- later "reaction removed" (which names no emoji) knows which one to take off.
ALTER TABLE messages ADD COLUMN reacts_to bigint REFERENCES messages (id);

-- The newest customer message already marked as read on the platform (blue ticks), so each
-- reply does not mark it again.
ALTER TABLE tickets ADD COLUMN read_marked_id bigint;

-- Agents' files for platforms that take attachments only from a public URL (Instagram): served
-- at PUBLIC_URL/media/<token> until they expire, then purged by the sweeper.
CREATE TABLE public_files (
  token      text PRIMARY KEY,
  bytes      bytea NOT NULL,
  mime_type  text NOT NULL,
  filename   text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_files_expiry ON public_files (expires_at);
