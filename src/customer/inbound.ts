import type { Tx } from '../db/connect.js';
import type { CustomerMessageEvent } from '../core/events.js';
import { findConnection, type Connection } from '../connections/repository.js';
import { moveContact, upsertContactOnInbound } from '../contacts/repository.js';
import { maskPhone } from '../contacts/mask.js';
import { findMessageByLink, insertInboundMessage, insertNotice, insertReaction } from '../messages/repository.js';
import { findActiveTicket, openTicket } from '../tickets/repository.js';
import { say } from '../i18n/catalog.js';
import { LaneSet, agentLane, announceLane } from '../pipeline/outbox.js';
import { ignored, type Outcome } from '../pipeline/outcome.js';
import { queueWelcome } from '../tickets/auto-messages.js';
import { postContactNotes } from '../tickets/annotations.js';
import { cancelCloseOnReply } from '../timers/scheduled-close.js';
import { inactivityStopped, windowCloseAfter } from '../timers/inactivity.js';
import { tellAssignee } from '../tickets/being-told.js';
import { handleRevision } from './revisions.js';
import { takeSurveyAnswer } from '../tickets/survey.js';
import { takeMenuTurn } from '../tickets/department-menu.js';
import type { AgentInboundContext } from '../agent/inbound.js';

type Ctx = Pick<AgentInboundContext, 'capabilitiesOf' | 'locale'>;

/**
 * A customer's message, inside the ingest transaction:
 *  1. route on the business account (unknown or disconnected accounts are recorded, not mirrored), learning
 *     its parent account (the WABA, for templates) on the way;
 *  2. a story mention is announced in the connection's channel, without a ticket; a number
 *     change moves the contact; an edit or deletion of an earlier message goes to that
 *     message's thread (revisions.ts);
 *  3. find or create the contact, noting the time of their last message (the reply window);
 *  4. drop blocked contacts and redeliveries (the platform id is already linked);
 *  5. a reaction to a message we know shows as a reaction on its copy in the thread;
 *  6. attach to the contact's active ticket, or open a new pending one (and its thread, and
 *     the greeting or, outside business hours, the away message); with the connection's
 *     department menu on, a new conversation first waits for the customer's choice
 *     (tickets/department-menu.ts);
 *  7. store the message (with the words it quotes) and ask for it, then its files, to be
 *     posted in the thread, in order.
 */
export async function handleCustomerMessage(tx: Tx, ev: CustomerMessageEvent, ctx: Ctx): Promise<Outcome> {
  const connection = await findConnection(tx, ev.channel, ev.accountId);
  // A disconnected account is routed nowhere, like one never connected (`/ponte status` lists it).
  if (!connection || connection.disconnected_at) return ignored('unknown_account');
  if (ev.businessAccountId && ev.businessAccountId !== connection.business_account_id) {
    await tx`UPDATE connections SET business_account_id = ${ev.businessAccountId}, updated_at = now() WHERE id = ${connection.id}`;
  }
  if (ev.noticeOnly) return announce(tx, connection, ev, ctx);
  if (ev.moved) return identityChanged(tx, connection, ev, ev.moved, ctx);
  if (ev.revision) return handleRevision(tx, connection, ev, ev.revision);

  const contact = await upsertContactOnInbound(tx, ev.channel, ev.contact, ev.occurredAt, ev.externalId);
  if (contact.blocked) return ignored('blocked_contact');
  if (contact.message_linked) return ignored('duplicate');

  const lanes = new LaneSet(tx);
  if (ev.reaction) {
    const target = await findMessageByLink(tx, ev.channel, ev.reaction.targetExternalId);
    if (target) {
      const r = await insertReaction(tx, { ticketId: target.ticket_id, targetId: target.id, emoji: ev.reaction.emoji, occurredAt: ev.occurredAt, platform: ev.channel, externalId: ev.externalId });
      // Removal names no emoji: take off the one this customer put there last.
      const name = ev.reaction.emoji ?? r.previous;
      if (name) await lanes.add(agentLane(target.ticket_id), { kind: 'reaction.add', messageId: target.id, name, ...(ev.reaction.emoji ? {} : { remove: true }) });
      return { state: 'done', lanes: lanes.list() };
    }
    // A reaction to something we never mirrored: it is shown as its text line instead.
  }

  const surveyAnswer = await takeSurveyAnswer(tx, ev, contact, connection.id, ctx);
  if (surveyAnswer) return surveyAnswer;
  let ticket = await findActiveTicket(tx, contact.id, connection.id);
  const menuTurn = await takeMenuTurn(tx, ev, contact, connection, ticket, ctx);
  if (menuTurn) return menuTurn;
  let isNew = false;
  if (ticket) {
    await cancelCloseOnReply(tx, ticket, ctx.locale, lanes);
    // The card shows the reply window and the customer's phone and username; refresh it only when
    // this message reopens a window that was closing or closed, or changes those (a card update
    // per message would spend the agent platform's rate limit).
    const hours = ctx.capabilitiesOf(ev.channel)?.windowHours;
    const prev = contact.previous_inbound_at;
    if (contact.handles_changed || (hours && prev && Date.parse(ev.occurredAt) - prev.getTime() > (hours - 2) * 3_600_000)) {
      await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
    }
  }
  if (!ticket) {
    const opened = await openTicket(tx, { contactId: contact.id, connectionId: connection.id, departmentId: connection.department_id });
    ticket = opened.ticket;
    if (opened.created) {
      isNew = true;
      if (ev.referral) await tx`UPDATE tickets SET referral = ${tx.json(ev.referral)} WHERE id = ${ticket.id}`;
      if (!contact.name) await lanes.add(agentLane(ticket.id), { kind: 'contact.profile', ticketId: ticket.id });
      await lanes.add(agentLane(ticket.id), { kind: 'thread.open', ticketId: ticket.id });
      await postContactNotes(tx, { ticketId: ticket.id, contactId: contact.id, locale: ctx.locale, lanes });
      const caps = ctx.capabilitiesOf(ev.channel);
      if (caps) await queueWelcome(tx, { ticketId: ticket.id, caps, lanes, at: new Date(ev.occurredAt) });
    }
  }
  if (ev.referral && !ticket.referral) {
    // An ad click on an open conversation: the card shows where the customer came from.
    await tx`UPDATE tickets SET referral = ${tx.json(ev.referral)} WHERE id = ${ticket.id} AND referral IS NULL`;
    await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
  }

  const quoted = ev.replyTo ? await findMessageByLink(tx, ev.channel, ev.replyTo) : undefined;
  const media = ev.media ?? [];
  const messageId = await insertInboundMessage(tx, {
    ticketId: ticket.id,
    body: ev.text,
    kind: ev.kind,
    occurredAt: ev.occurredAt,
    platform: ev.channel,
    externalId: ev.externalId,
    postLane: agentLane(ticket.id),
    attachments: media,
    quote: quoted ? quoted.body : null,
    // The customer answered: the inactivity clock stops; the window-close deadline moves with them.
    answered: { windowCloseAt: windowCloseAfter(ev.occurredAt, ctx.capabilitiesOf(ev.channel)) },
  });
  lanes.touched(agentLane(ticket.id));
  if (ticket.inactivity_at) await inactivityStopped(tx, ticket.id, { locale: ctx.locale, lanes });
  await tellAssignee(tx, ticket, { isNew, messageId, at: ev.occurredAt, locale: ctx.locale, lanes });
  for (const index of media.keys()) await lanes.add(agentLane(ticket.id), { kind: 'media.mirror', messageId, index });
  return { state: 'done', lanes: lanes.list() };
}

/** An Instagram story mention: a line in the connection's channel, no ticket of its own. */
async function announce(tx: Tx, connection: Connection, ev: CustomerMessageEvent, ctx: Ctx): Promise<Outcome> {
  const lanes = new LaneSet(tx);
  const who = ev.contact.name ?? ev.contact.externalId;
  await lanes.add(announceLane(connection.id), { kind: 'channel.announce', connectionId: connection.id, text: say(ctx.locale, 'story.mention', { name: who, text: ev.text }) });
  return { state: 'done', lanes: lanes.list() };
}

/**
 * WhatsApp `user_changed_number` / `user_changed_user_id`: the contact (and their tickets) moves
 * to the new ids; the thread is told when the phone changed (a new BSUID alone changes nothing an
 * agent sees).
 */
async function identityChanged(tx: Tx, connection: Connection, ev: CustomerMessageEvent, to: NonNullable<CustomerMessageEvent['moved']>, ctx: Ctx): Promise<Outcome> {
  const moved = await moveContact(tx, ev.channel, ev.contact, to);
  if (!moved) return ignored('unknown_contact');
  const lanes = new LaneSet(tx);
  const ticket = to.phone ? await findActiveTicket(tx, moved.id, connection.id) : undefined;
  if (ticket && to.phone) {
    // The whole channel reads the thread: the new number is masked as on the card (WhatsApp's own
    // text, in ev.text, spells out both numbers).
    const id = await insertNotice(tx, ticket.id, say(ctx.locale, 'contact.number_changed', { text: maskPhone(to.phone) ?? '' }));
    await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: id });
    await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
  }
  return { state: 'done', lanes: lanes.list() };
}
