-- WhatsApp usernames (2026): a customer is known by their business-scoped user id (BSUID,
-- `user_id`) and, when WhatsApp shares it, by their phone. `external_id` stays the id the
-- contact was first known by (a phone for customers from before BSUIDs, else the BSUID); a
-- contact is found by any of the three (src/contacts/repository.ts). `username` is the
-- customer's WhatsApp handle, shown on the card and searched.
ALTER TABLE contacts ADD COLUMN user_id text, ADD COLUMN username text;
CREATE UNIQUE INDEX contacts_user_id ON contacts (channel, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX contacts_phone ON contacts (channel, phone) WHERE phone IS NOT NULL;
