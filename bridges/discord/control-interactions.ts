import { Routes, type REST } from 'discord.js';
import { isMoreAction, formOpenedBy, type ControlId } from '../../src/agent-ui/control-ids.js';
import { resolveConfirm } from '../../src/agent-ui/card-controls.js';
import { formFor, type FormSources } from '../../src/agent-ui/form-for.js';
import type { AgentActionEvent } from '../../src/core/events.js';
import type { InboxPort } from '../../src/core/inbound-record.js';
import { say, t, type Locale } from '../../src/i18n/catalog.js';
import type { GatewayFacts } from './gateway-facts.js';
import type { Control } from './ids.js';
import { actionRecord, parsePress, type Press, type RawInteraction } from './payloads.js';
import { errorLines, parseFormSubmission } from './form-submission.js';
import { confirmQuestion } from './render-controls.js';
import { formResponse } from './render-form.js';
import { noMentions, toMarkdown } from './render.js';

export interface ControlDeps {
  inbox: InboxPort;
  facts: GatewayFacts;
  /** Where the forms are built from; absent: the controls that open one answer with nothing. */
  forms?: FormSources;
  /** Who pressed: their name and admin bit, and their interaction's token for later private lines. */
  remember(d: RawInteraction): Promise<void>;
  /** The post's forum, when the interaction does not say. */
  parentOf(channelId: string): Promise<string | undefined>;
  /** How the answer goes: over the gateway, to the callback route (the default); over HTTP, as the response (routes.ts). */
  respond?: (body: Record<string, unknown>) => Promise<void>;
}

/** The card controls the core names (a form opens, or an action is recorded); the others are this bridge's own. */
const CORE_CONTROLS: readonly string[] = ['accept', 'transfer', 'resolve', 'more', 'templates'] satisfies ControlId[];
/** Presses that act at once, as the core's action. */
const ACTS: Partial<Record<Control, AgentActionEvent['action']>> = { accept: 'accept', 'resolve-yes': 'resolve' };

/**
 * A press on a card control (type 3) or a submitted form (type 5), answered within Discord's
 * 3 s, the answer first when it is a form (a modal must be the FIRST response):
 *  - Transfer, a notice's "Send a template", More's form options → the core's form as a modal;
 *  - Resolve → its question, ephemeral, with yes and no (Discord buttons have no confirm);
 *  - Accept, Resolve's yes, More's other options → the core's action, recorded, and a deferred update;
 *  - a form's answer → the core's action, or its problems in words, ephemeral.
 */
export async function answerControl(rest: REST, deps: ControlDeps, d: RawInteraction, locale: Locale): Promise<void> {
  const answer = async (body: unknown) => {
    if (deps.respond) await deps.respond(body as Record<string, unknown>);
    else await rest.post(Routes.interactionCallback(d.id, d.token), { body, auth: false });
  };
  if (d.type === 5) return answerForm(deps, d, locale, answer);
  const press = parsePress(d, d.channel?.parent_id ?? (d.channel_id ? await deps.parentOf(d.channel_id) : undefined));
  if ('skip' in press) {
    await answer({ type: 6 });
    return;
  }
  const opens = CORE_CONTROLS.includes(press.control) ? formOpenedBy(press.control as ControlId, press.option) : undefined;
  const from = press.threadId ? { kind: 'thread' as const, containerId: press.containerId, threadId: press.threadId } : undefined;
  const form = opens && deps.forms ? await formFor(deps.forms, { form: opens, ticketId: press.ticketId, from, locale }) : undefined;
  // Resolve opens the close form only when resolving asks for something; else it asks "are you sure?".
  if (opens && (form || opens !== 'close')) {
    await answer(form ? formResponse(form) : { type: 6 });
    await deps.remember(d);
    await deps.inbox.accept('discord', [], [{ dedupeKey: null, kind: 'discord.interaction', reason: form ? `opened_${opens}_modal` : `no_${opens}_form` }]);
    return;
  }
  if (press.control === 'resolve') {
    await answer({ type: 4, data: confirmQuestion('resolve', resolveConfirm(locale), press.ticketId) });
    await deps.remember(d);
    return;
  }
  if (press.control === 'cancel') {
    await answer({ type: 7, data: { content: t(locale, 'card.confirm_cancelled'), components: [] } });
    return;
  }
  const action = ACTS[press.control] ?? (press.option && isMoreAction(press.option) ? press.option : undefined);
  await deps.remember(d);
  if (!action) {
    await deps.inbox.accept('discord', [], [{ dedupeKey: null, kind: 'discord.interaction', reason: `unknown_option_${press.option ?? press.control}` }]);
    await answer({ type: 6 });
    return;
  }
  await deps.inbox.accept('discord', [actionRecord(d.id, press satisfies Press, { action })]);
  // The question answered: its buttons go; the card changes by itself once the worker has acted.
  await answer(press.control === 'resolve-yes' ? { type: 7, data: { components: [] } } : { type: 6 });
}

async function answerForm(deps: ControlDeps, d: RawInteraction, locale: Locale, answer: (body: unknown) => Promise<unknown>): Promise<void> {
  const submitted = parseFormSubmission(d, locale);
  if (!submitted) {
    await answer({ type: 6 });
    return;
  }
  if ('errors' in submitted) {
    const content = toMarkdown(say(locale, 'modal.not_sent', { problem: errorLines(submitted.errors) }));
    await answer({ type: 4, data: { content: content.slice(0, 2000), flags: 64, allowed_mentions: noMentions } });
    return;
  }
  await deps.remember(d);
  await deps.inbox.accept('discord', [submitted.record]);
  await answer({ type: 6 });
}
