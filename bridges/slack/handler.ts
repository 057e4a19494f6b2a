import type { Rich } from '../../src/core/rich-text.js';
import { toMrkdwn } from './render.js';
import type { InboxPort } from '../../src/core/inbound-record.js';
import type { MessageTemplate } from '../../src/core/ports.js';
import type { CommandContext } from '../../src/admin/commands.js';
import type { CommandToken } from '../../src/admin/tokens.js';
import type { Locale } from '../../src/i18n/catalog.js';
import type { AgentForm } from '../../src/core/ports.js';
import { formChoice, parseEventCallback, parseInteraction, ticketActionsShortcut, tokenizeCommand, type FormChoice } from './inbound.js';
import { parseFormSubmission } from './form-submission.js';
import { actionsForm } from '../../src/agent-ui/actions-form.js';
import { contactForm } from '../../src/agent-ui/contact-form.js';
import { templateForm } from '../../src/agent-ui/template-form.js';
import { closeForm, type CloseAsks } from '../../src/agent-ui/close-form.js';
import { transferForm } from '../../src/agent-ui/transfer-form.js';
import { say, t } from '../../src/i18n/catalog.js';
import { PLATFORM_NAME } from './capabilities.js';
import { slackToPlain } from './mrkdwn.js';
import { slashCommand, urlVerification } from './schema.js';
import type { Metrics } from '../../src/metrics.js';
import type { SlackIdentity } from './identity.js';
import { foreignReason, originOf } from './origin.js';

/** How long a request waits for auth.test at boot before it is refused (Slack wants an ack in 3 s). */
const READY_WAIT_MS = 2_000;

export interface SlackHandlerDeps {
  inbox: InboxPort;
  locale: Locale;
  /**
   * This deployment's workspace and app. Requests from another team or app are refused and
   * counted; until the identity is known they are refused too (fail closed). Absent: not checked.
   */
  identity?: { ready(ms: number): Promise<SlackIdentity | undefined> };
  metrics?: Metrics;
  runCommand(ctx: CommandContext, tokens: CommandToken[]): Promise<Rich>;
  /** Our bot's user id (from auth.test), a second guard against our own posts. */
  botUserId?: () => string | undefined;
  /** Opens a form (the bridge's `openForm`: views.open); must happen within the 3 s a trigger_id lives. */
  openView?: (triggerId: string, form: AgentForm) => Promise<void>;
  /** Departments, for the transfer modal's picker. */
  listDepartments?: () => Promise<{ id: string; name: string }[]>;
  /** The ticket a thread belongs to, for the message shortcut. */
  ticketForThread?: (channelId: string, threadTs: string) => Promise<string | undefined>;
  /** The farewell a person's resolve would send (theirs, else the workspace's), to prefill the form. */
  farewellFor?: (userId: string) => Promise<string | null>;
  /** A ticket's contact details, to prefill the contact form. */
  contactForTicket?: (ticketId: string) => Promise<{ name: string | null; email: string | null; fields: Record<string, string> } | undefined>;
  /**
   * The approved templates a ticket can be sent (those of its business account), for the
   * template picker. Read while a trigger_id ticks (3 s): a local read, never a platform call.
   */
  templatesForTicket?: (ticketId: string) => Promise<MessageTemplate[]>;
  /** What resolving a ticket asks for (reasons, close fields); undefined: nothing, Resolve acts. */
  closeAsksFor?: (ticketId: string) => Promise<CloseAsks | undefined>;
}

/** One Slack delivery, whichever way it came (HTTP or Socket Mode). */
export type SlackDelivery =
  | { type: 'events'; body: unknown; raw: string }
  | { type: 'command'; body: Record<string, string>; raw: string }
  | { type: 'interaction'; body: unknown; raw: string };

/** What to acknowledge with: the HTTP response body or the Socket Mode ack payload. */
export type SlackAck = Record<string, unknown> | undefined;

/** Thrown while this deployment's identity is unknown: HTTP answers 503, Socket Mode does not ack (Slack retries). */
export class SlackNotReady extends Error {
  constructor() {
    super('the Slack workspace and app ids are not known yet (auth.test has not answered)');
  }
}

/**
 * A verified delivery, first checked to be this deployment's (team and app), then handled.
 * A foreign one is recorded, counted and answered without acting: a slash command gets a
 * plain refusal, anything else an empty ack. Before the identity is known, a slash command is
 * answered in words and anything else throws SlackNotReady.
 */
export async function handleSlackRequest(deps: SlackHandlerDeps, d: SlackDelivery): Promise<{ ack: SlackAck; outcome: 'accepted' | 'foreign' | 'not_ready' }> {
  const challenge = d.type === 'events' ? urlVerification.safeParse(d.body) : undefined;
  if (challenge?.success) return { ack: { challenge: challenge.data.challenge }, outcome: 'accepted' };
  if (deps.identity) {
    const us = await deps.identity.ready(READY_WAIT_MS);
    if (!us) {
      if (d.type !== 'command') throw new SlackNotReady();
      deps.metrics?.webhookRequests.inc({ source: 'slack', outcome: 'not_ready' });
      return { ack: { response_type: 'ephemeral', text: toMrkdwn(say(deps.locale, 'bridge.not_ready', { platform: PLATFORM_NAME })) }, outcome: 'not_ready' };
    }
    const foreign = foreignReason(originOf(d), us);
    if (foreign) {
      await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: `slack.${d.type}`, reason: foreign }]);
      deps.metrics?.webhookRequests.inc({ source: 'slack', outcome: 'foreign' });
      return { ack: d.type === 'command' ? { response_type: 'ephemeral', text: toMrkdwn(say(deps.locale, 'bridge.foreign', { platform: PLATFORM_NAME })) } : undefined, outcome: 'foreign' };
    }
  }
  return { ack: await act(deps, d), outcome: 'accepted' };
}

/** handleSlackRequest's acknowledgement alone. */
export async function handleSlackDelivery(deps: SlackHandlerDeps, d: SlackDelivery): Promise<SlackAck> {
  return (await handleSlackRequest(deps, d)).ack;
}

/**
 * Handles a verified Slack delivery and returns the acknowledgement. Events are recorded
 * (durably, deduped by event_id) and processed by the worker, so the ack is fast and a
 * Slack retry is harmless. Slash commands only touch the database and answer in the ack,
 * well within Slack's 3 seconds.
 */
async function act(deps: SlackHandlerDeps, d: SlackDelivery): Promise<SlackAck> {
  switch (d.type) {
    case 'events': {
      const challenge = urlVerification.safeParse(d.body);
      if (challenge.success) return { challenge: challenge.data.challenge };
      const parsed = parseEventCallback(d.body, deps.botUserId?.());
      if ('error' in parsed) await deps.inbox.reject('slack', parsed.error, d.raw);
      else if ('record' in parsed) await deps.inbox.accept('slack', [parsed.record]);
      else await deps.inbox.accept('slack', [], [parsed.ignored]);
      return undefined;
    }
    case 'command': {
      const cmd = slashCommand.safeParse(d.body);
      if (!cmd.success) {
        await deps.inbox.reject('slack', 'invalid slash command payload', d.raw);
        return undefined;
      }
      const ctx: CommandContext = {
        platform: 'slack',
        userId: cmd.data.user_id,
        channelId: cmd.data.channel_id,
        locale: deps.locale,
        text: slackToPlain(cmd.data.text),
        platformName: PLATFORM_NAME,
      };
      const text = toMrkdwn(await deps.runCommand(ctx, tokenizeCommand(cmd.data.text)));
      return { response_type: 'ephemeral', text };
    }
    case 'interaction': {
      // A control that opens a form opens it first of all: its trigger_id lives 3 s.
      const choice = formChoice(d.body);
      if (choice && (deps.openView || choice.form === 'template')) {
        const form = deps.openView ? await formFor(deps, choice) : undefined;
        // Resolve without anything to ask at close acts at once, recorded below.
        if (form || choice.form !== 'close') {
          if (form) await deps.openView!(choice.triggerId, form);
          await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: 'slack.block_actions', reason: `opened_${choice.form}_modal` }]);
          return undefined;
        }
      }
      const submitted = parseFormSubmission(d.body, deps.locale);
      if (submitted && 'errors' in submitted) return { response_action: 'errors', errors: submitted.errors };
      if (submitted) {
        await deps.inbox.accept('slack', [submitted.record]);
        return undefined; // an empty 200 closes the modal
      }
      const shortcut = ticketActionsShortcut(d.body);
      if (shortcut && deps.openView) {
        const ticketId = await deps.ticketForThread?.(shortcut.channelId, shortcut.threadTs);
        // The trigger lives 3 s: these two reads are single-row lookups.
        const form: AgentForm = ticketId
          ? actionsForm({ ticketId, from: { kind: 'thread', containerId: shortcut.channelId, threadId: shortcut.threadTs }, farewell: await deps.farewellFor?.(shortcut.userId), locale: deps.locale })
          : { kind: 'notice', title: 'Ponte', text: t(deps.locale, 'modal.not_a_ticket') };
        await deps.openView(shortcut.triggerId, form);
        await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: 'slack.message_action', reason: ticketId ? 'opened_actions_modal' : 'not_a_ticket_thread' }]);
        return undefined;
      }
      // Recorded durably and acted on by the worker; the click is acknowledged at once.
      const parsed = parseInteraction(d.body);
      if ('error' in parsed) await deps.inbox.reject('slack', parsed.error, d.raw);
      else if ('record' in parsed) await deps.inbox.accept('slack', [parsed.record]);
      else await deps.inbox.accept('slack', [], [parsed.ignored]);
      return undefined;
    }
  }
}

/**
 * The form a control opens, built by the core from what it needs (departments, the contact,
 * the ticket's templates): reads that are local and quick, as the trigger ticks. Undefined
 * when there is nothing to edit (a ticket without a contact).
 */
async function formFor(deps: SlackHandlerDeps, choice: FormChoice): Promise<AgentForm | undefined> {
  const { ticketId, from } = choice;
  const locale = deps.locale;
  switch (choice.form) {
    case 'transfer':
      return transferForm({ ticketId, from, departments: (await deps.listDepartments?.()) ?? [], locale });
    case 'template':
      return templateForm({ ticketId, from, templates: (await deps.templatesForTicket?.(ticketId)) ?? [], locale });
    case 'contact': {
      const contact = await deps.contactForTicket?.(ticketId);
      return contact ? contactForm({ ticketId, from, contact, locale }) : undefined;
    }
    case 'close': {
      const asks = await deps.closeAsksFor?.(ticketId);
      return asks ? closeForm({ ticketId, from, asks, locale }) : undefined;
    }
    case 'actions':
      return undefined; // opened by the message shortcut, never by a control
  }
}
