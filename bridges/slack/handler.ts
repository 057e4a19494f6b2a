import type { Rich } from '../../src/core/rich-text.js';
import { toMrkdwn } from './render.js';
import type { InboxPort } from '../../src/core/inbound-record.js';
import type { MessageTemplate } from '../../src/core/ports.js';
import type { CommandContext } from '../../src/admin/commands.js';
import type { CommandToken } from '../../src/admin/tokens.js';
import type { Locale } from '../../src/i18n/catalog.js';
import {
  editContactChoice,
  parseActionsSubmission,
  parseContactSubmission,
  parseEventCallback,
  parseInteraction,
  parseTemplateSubmission,
  parseTransferSubmission,
  templatePickerChoice,
  ticketActionsShortcut,
  tokenizeCommand,
  transferButton,
} from './inbound.js';
import { actionsModal, contactModal, templateModal, transferModal } from './modals.js';
import { templatePickerTexts } from './template-texts.js';
import { say, t } from '../../src/i18n/catalog.js';
import { PLATFORM_NAME } from './capabilities.js';
import { slackToPlain } from './mrkdwn.js';
import { slashCommand, urlVerification } from './schema.js';
import type { Metrics } from '../../src/metrics.js';
import type { SlackIdentity } from './identity.js';
import { foreignReason, originOf } from './origin.js';
import { stampOrigin } from './view-origin.js';

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
  /** Opens a modal (views.open); must happen within the 3 s a trigger_id lives. */
  openView?: (triggerId: string, view: unknown) => Promise<void>;
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
      // The template picker opens first of all: its trigger_id lives 3 s.
      const picker = templatePickerChoice(d.body);
      if (picker) {
        if (deps.openView) {
          const templates = (await deps.templatesForTicket?.(picker.ticketId)) ?? [];
          await deps.openView(picker.triggerId, stampOrigin(templateModal(picker.ticketId, templates, templatePickerTexts(deps.locale)), picker.from));
        }
        await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: 'slack.block_actions', reason: 'opened_template_modal' }]);
        return undefined;
      }
      const template = parseTemplateSubmission(d.body);
      if (template && 'errors' in template) {
        const texts = templatePickerTexts(deps.locale);
        const errors: Record<string, string> = {};
        if (template.errors.template) errors.template = texts.pickOne;
        if (template.errors.params) errors.params = texts.paramCount.replace('{count}', String(template.errors.params.expected));
        return { response_action: 'errors', errors };
      }
      if (template) {
        await deps.inbox.accept('slack', [template.record]);
        return undefined;
      }
      // Transfer opens a modal at once: a trigger_id lives 3 s, too short to go through the worker.
      const transfer = transferButton(d.body);
      if (transfer && deps.openView) {
        const departments = (await deps.listDepartments?.()) ?? [];
        await deps.openView(transfer.triggerId, stampOrigin(transferModal(transfer.ticketId, departments, deps.locale), transfer.from));
        await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: 'slack.block_actions', reason: 'opened_transfer_modal' }]);
        return undefined;
      }
      const editContact = editContactChoice(d.body);
      if (editContact && deps.openView) {
        const contact = await deps.contactForTicket?.(editContact.ticketId);
        if (contact) await deps.openView(editContact.triggerId, stampOrigin(contactModal(editContact.ticketId, contact, deps.locale), editContact.from));
        await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: 'slack.block_actions', reason: 'opened_contact_modal' }]);
        return undefined;
      }
      const contactForm = parseContactSubmission(d.body);
      if (contactForm && 'errors' in contactForm) {
        const errors: Record<string, string> = {};
        if (contactForm.errors.email) errors.email = t(deps.locale, 'modal.contact_bad_email');
        if (contactForm.errors.fields) errors.fields = t(deps.locale, 'modal.contact_bad_fields');
        return { response_action: 'errors', errors };
      }
      if (contactForm) {
        await deps.inbox.accept('slack', [contactForm.record]);
        return undefined;
      }
      const shortcut = ticketActionsShortcut(d.body);
      if (shortcut && deps.openView) {
        const ticketId = await deps.ticketForThread?.(shortcut.channelId, shortcut.threadTs);
        // The trigger lives 3 s: these two reads are single-row lookups.
        const view = ticketId
          ? stampOrigin(actionsModal(ticketId, deps.locale, await deps.farewellFor?.(shortcut.userId)), { kind: 'thread', containerId: shortcut.channelId, threadId: shortcut.threadTs })
          : { type: 'modal', title: { type: 'plain_text', text: 'Ponte' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: t(deps.locale, 'modal.not_a_ticket') } }] };
        await deps.openView(shortcut.triggerId, view);
        await deps.inbox.accept('slack', [], [{ dedupeKey: null, kind: 'slack.message_action', reason: ticketId ? 'opened_actions_modal' : 'not_a_ticket_thread' }]);
        return undefined;
      }
      const actions = parseActionsSubmission(d.body);
      if (actions && 'errors' in actions) return { response_action: 'errors', errors: { action: t(deps.locale, 'modal.actions_empty') } };
      if (actions) {
        await deps.inbox.accept('slack', [actions.record]);
        return undefined;
      }
      const submission = parseTransferSubmission(d.body);
      if (submission && 'errors' in submission) {
        return { response_action: 'errors', errors: { agent: t(deps.locale, 'modal.transfer_pick_one') } };
      }
      if (submission) {
        await deps.inbox.accept('slack', [submission.record]);
        return undefined; // an empty 200 closes the modal
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
