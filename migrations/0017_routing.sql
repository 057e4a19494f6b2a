-- Routing rules per department (`/ponte department <name> routing none|round-robin|last|random`),
-- the quiet period after which a customer's message mentions the assignee
-- (`/ponte department <name> quiet <minutes>`), and agents who are away (`/ponte away on|off`).
ALTER TABLE departments
  ADD COLUMN routing text NOT NULL DEFAULT 'none' CHECK (routing IN ('none', 'round-robin', 'last', 'random')),
  ADD COLUMN quiet_minutes integer NOT NULL DEFAULT 30 CHECK (quiet_minutes BETWEEN 1 AND 10080);

ALTER TABLE agents ADD COLUMN away boolean NOT NULL DEFAULT false;

-- Round-robin picks the available agent whose last automatic assignment in this department is
-- the oldest (never = first); the pick and this stamp happen under the department row's lock.
ALTER TABLE agent_departments ADD COLUMN last_routed_at timestamptz;
