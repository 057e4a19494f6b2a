import { joinRich, type Rich } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import { findAgent, saveAgentProfile } from '../agents/repository.js';
import { findActiveTicket, openTicket } from '../tickets/repository.js';
import { LaneSet, agentLane } from '../pipeline/outbox.js';
import { parseTemplateArgs, sendTemplate } from '../tickets/template-send.js';
import { say } from '../i18n/catalog.js';
import type { AdminDeps, CommandContext } from './context.js';

interface WaConnection {
  id: string;
  department_id: string;
  agent_destination: string;
}

/**
 * `/ponte new <phone> <template> [params…]`: starts a WhatsApp conversation with a new or
 * existing contact by sending an approved template (the only thing WhatsApp lets a business
 * send first). It opens a ticket assigned to whoever ran it, with its thread, unless the
 * contact already has an open conversation on that number. The number is the one whose
 * channel the command was typed in, or the only one.
 */
export async function newConversationCommand(deps: AdminDeps, ctx: CommandContext, rest: string): Promise<Rich> {
  const m = /^\s*(\+?[\d\s().-]{8,24}?)\s+(\S[\s\S]*)$/.exec(rest);
  const phone = m?.[1]?.replace(/\D/g, '') ?? '';
  const choice = m ? parseTemplateArgs(m[2]!) : undefined;
  if (!choice || phone.length < 8 || phone.length > 15) return say(ctx.locale, 'new.usage');
  const caps = deps.capabilitiesOf?.('whatsapp');
  if (!caps) return say(ctx.locale, 'new.no_whatsapp');

  const connections = await deps.sql<WaConnection[]>`
    SELECT id, department_id, agent_destination FROM connections WHERE channel = 'whatsapp' AND disconnected_at IS NULL ORDER BY id`;
  const connection = connections.find((c) => c.agent_destination === ctx.channelId) ?? (connections.length === 1 ? connections[0] : undefined);
  if (!connection) return say(ctx.locale, connections.length ? 'new.which_number' : 'new.no_whatsapp');

  let agent = await findAgent(deps.sql, ctx.platform, ctx.userId);
  if (!agent?.display_name && deps.lookupProfile) {
    agent = await saveAgentProfile(deps.sql, ctx.platform, ctx.userId, await deps.lookupProfile(ctx.platform, ctx.userId));
  }
  if (!agent) return say(ctx.locale, 'new.unknown_agent');
  const who = agent;

  // All or nothing: a refusal found midway (an unknown template, the wrong parameters) rolls
  // back the contact and ticket made on the way.
  const outcome = await deps.sql.begin(async (tx: Tx): Promise<{ text: Rich; lanes: string[] }> => {
    const [contact] = await tx<{ id: string; blocked: boolean }[]>`
      INSERT INTO contacts (channel, external_id, phone) VALUES ('whatsapp', ${phone}, ${phone})
      ON CONFLICT (channel, external_id) DO UPDATE SET phone = COALESCE(contacts.phone, EXCLUDED.phone)
      RETURNING id, blocked`;
    if (contact!.blocked) return { text: say(ctx.locale, 'thread.blocked_contact'), lanes: [] };
    const open = await findActiveTicket(tx, contact!.id, connection.id);
    if (open) return { text: say(ctx.locale, 'new.already_open', { protocol: open.protocol }), lanes: [] };

    const { ticket } = await openTicket(tx, { contactId: contact!.id, connectionId: connection.id, departmentId: connection.department_id });
    const lanes = new LaneSet(tx);
    await lanes.add(agentLane(ticket.id), { kind: 'thread.open', ticketId: ticket.id });
    const refusals: Rich[] = [];
    await sendTemplate({ tx, ticket, agent: who, locale: ctx.locale, caps, lanes, refuse: async (text) => void refusals.push(text) }, choice);
    if (refusals.length) throw new Refused(joinRich(refusals, '\n'));
    return { text: say(ctx.locale, 'new.started', { protocol: ticket.protocol, name: choice.name }), lanes: lanes.list() };
  }).catch((err: unknown) => {
    if (err instanceof Refused) return { text: err.text, lanes: [] };
    throw err;
  });
  if (outcome.lanes.length) await deps.kickLanes?.(outcome.lanes);
  return outcome.text;
}

/** A refusal found midway: the transaction is rolled back and the words are the answer. */
class Refused extends Error {
  constructor(readonly text: Rich) {
    super("refused");
  }
}
