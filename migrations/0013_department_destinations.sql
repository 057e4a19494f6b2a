-- Where a department's tickets appear, one row per agent platform (a Slack channel id, a
-- Discord channel id), instead of one column per platform on departments. The core reads it
-- through src/departments/repository.ts only; a bridge keeps its own state (webhooks, forum
-- tags) in tables of its own, never in columns here.
--
-- Not unique per (platform, container_id): departments could always share a channel, and a
-- lookup by channel then finds the oldest of them (lowest id).
CREATE TABLE department_destinations (
  department_id bigint NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
  platform      text NOT NULL CHECK (platform IN ('slack', 'discord')),
  container_id  text NOT NULL,
  PRIMARY KEY (department_id, platform)
);
CREATE INDEX department_destinations_container ON department_destinations (platform, container_id);

INSERT INTO department_destinations (department_id, platform, container_id)
SELECT id, 'slack', slack_channel FROM departments WHERE slack_channel IS NOT NULL
UNION ALL
SELECT id, 'discord', discord_channel FROM departments WHERE discord_channel IS NOT NULL;

ALTER TABLE departments DROP COLUMN slack_channel, DROP COLUMN discord_channel;
