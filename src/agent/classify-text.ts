/**
 * How an agent's thread message is read (DESIGN §6): a note prefix keeps it internal, a `!`
 * word is a command on the ticket, anything else is a reply to the customer.
 */
export type AgentText =
  | { type: 'note'; text: string }
  | { type: 'command'; name: string; args: string }
  | { type: 'reply'; text: string };

const NOTE = /^\s*(?:!note(?:\s+|$)|\/\/\s*)/i;
// `!word` is a command; `!!shortcut` a quick reply (shortcuts may start with a digit).
const COMMAND = /^\s*!(![a-z0-9][\w-]*|[a-z][\w-]*)(?:\s+([\s\S]*))?$/i;

export function classifyAgentText(text: string): AgentText {
  const note = NOTE.exec(text);
  if (note) return { type: 'note', text: text.slice(note[0].length) };
  const command = COMMAND.exec(text);
  if (command) return { type: 'command', name: command[1]!.toLowerCase(), args: (command[2] ?? '').trim() };
  return { type: 'reply', text };
}
