-- Big installs (issue 14): search by part of a name, username, phone or id stays index-backed
-- with 100,000 contacts. `ILIKE '%x%'` cannot use a btree; a trigram index serves it (pg_trgm
-- ships with Postgres, and is a trusted extension: the database owner may create it).
-- test/e2e/query-plans.test.ts checks the plans of the hot queries on a seeded install.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX contacts_search ON contacts USING gin (name gin_trgm_ops, username gin_trgm_ops, phone gin_trgm_ops, external_id gin_trgm_ops);
-- Search also matches a BSUID exactly, in any channel (contacts_user_id leads with the channel).
CREATE INDEX contacts_user_id_any ON contacts (user_id) WHERE user_id IS NOT NULL;
-- `/ponte tickets` (a status, latest message first, with a count of all that match): an index in
-- exactly that order reads the page without sorting the status's rows. It replaces tickets_status,
-- whose NULLS FIRST order made the planner read the whole table in parallel and sort it.
CREATE INDEX tickets_status_latest ON tickets (status, last_message_at DESC NULLS LAST, id DESC);
DROP INDEX tickets_status;
