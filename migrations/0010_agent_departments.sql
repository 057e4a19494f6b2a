-- Which departments an agent works in (`/ponte agent add @maria Vendas`): used for what only
-- a department's agents may see, such as a customer's full phone number.
CREATE TABLE agent_departments (
  agent_id      bigint NOT NULL REFERENCES agents (id),
  department_id bigint NOT NULL REFERENCES departments (id),
  PRIMARY KEY (agent_id, department_id)
);
