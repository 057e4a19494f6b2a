import { code, joinRich } from '../core/rich-text.js';
import { getConnection } from '../connections/repository.js';
import { insertMessage } from '../messages/repository.js';
import { pickTemplate, renderTemplate, templatesForConnection } from '../templates/repository.js';
import { say } from '../i18n/catalog.js';
import { agentLane, customerLane } from '../pipeline/outbox.js';
import { runTicketCommand, type ActionContext } from './transitions.js';
import { isContactBlocked } from './blocking.js';

export interface TemplateChoice {
  name: string;
  /** A language code such as pt_BR; absent → Ponte's locale, else the only one. */
  language?: string;
  params: string[];
}

/**
 * `!template <name>[@<language>] [params…]`: parameters are separated by spaces, "quoted" when
 * they contain spaces, or all separated by `|` when the text has one (`!template pedido | João Silva | 1234`).
 */
export function parseTemplateArgs(args: string): TemplateChoice | undefined {
  const m = /^\s*([a-z0-9_]+)(?:@([A-Za-z_]+))?(?:\s+([\s\S]*))?$/i.exec(args);
  if (!m) return undefined;
  const rest = (m[3] ?? '').trim();
  const params = !rest
    ? []
    : rest.includes('|')
      ? rest.split('|').map((p) => p.trim())
      : [...rest.matchAll(/"([^"]*)"|(\S+)/g)].map((p) => p[1] ?? p[2]!);
  return { name: m[1]!, language: m[2], params };
}

/**
 * Sends an approved template on the ticket (WhatsApp; the only thing that may go once the
 * 24-hour window has closed). Refusals say what to do: sync templates, pick a known name,
 * give the right number of parameters. A pending ticket is accepted, as a reply would.
 * The template is posted in the thread as Ponte's line and carries its delivery marks.
 */
export async function sendTemplate(ctx: ActionContext, choice: TemplateChoice): Promise<void> {
  const { tx, ticket, locale, lanes } = ctx;
  const connection = await getConnection(tx, ticket.connection_id);
  if (!ctx.caps?.templates) return ctx.refuse(say(locale, 'template.not_supported', { channel: connection.channel }));
  if (ticket.status === 'resolved') return ctx.refuse(say(locale, 'thread.closed_ticket'));
  if (await isContactBlocked({ tx, ticket })) return ctx.refuse(say(locale, 'thread.blocked_contact'));
  const templates = await templatesForConnection(tx, connection.id);
  if (templates.length === 0) return ctx.refuse(say(locale, 'template.none'));
  const tpl = pickTemplate(templates, choice.name, choice.language, locale);
  if (!tpl) {
    const names = joinRich([...new Set(templates.map((x) => x.name))].map(code), ', ');
    return ctx.refuse(say(locale, 'template.unknown', { name: choice.name, names }));
  }
  if (choice.params.length !== tpl.paramCount) {
    return ctx.refuse(say(locale, 'template.param_count', { name: tpl.name, count: tpl.paramCount, given: choice.params.length, body: tpl.body }));
  }
  if (ticket.status === 'pending') await runTicketCommand(ctx, { action: 'accept' });
  const messageId = await insertMessage(tx, {
    ticketId: ticket.id,
    direction: 'outbound',
    body: renderTemplate(tpl.body, choice.params),
    kind: 'template',
    authorAgentId: ctx.agent.id,
    deliveryStatus: 'queued',
  });
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId });
  await lanes.add(customerLane(ticket.id), { kind: 'customer.template', messageId, part: 0, template: { name: tpl.name, language: tpl.language, params: choice.params } });
}
