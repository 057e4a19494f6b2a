import type { Tx } from '../db/connect.js';
import type { ChannelCapabilities } from '../core/ports.js';
import type { CustomerMessageEvent } from '../core/events.js';
import { insertInboundMessage, insertMessage, insertNotice } from '../messages/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';
import { agentLane, customerLane, LaneSet } from '../pipeline/outbox.js';
import type { Outcome } from '../pipeline/outcome.js';
import { lastInboundOf, replyWindow } from '../customer/reply-window.js';
import { getSurvey } from './close-settings.js';

/** How long after the survey went out an answer is still read as one. */
export const SURVEY_ANSWER_HOURS = 24;
const SCORES = [5, 4, 3, 2, 1] as const;
const CHOICE_PREFIX = 'csat:';

/** Each score as the customer sees it ("5 – Excellent"), best first. */
function choiceTitle(locale: Locale, score: (typeof SCORES)[number]): string {
  return t(locale, `survey.choice_${score}`);
}

/**
 * The satisfaction survey, when an admin has turned it on: one question on the customer lane
 * (before the farewell). Where the channel offers choices it goes with the five scores to tap
 * (WhatsApp: a list); elsewhere the scores are numbered in the text, to answer with a digit.
 * Skipped outside the reply window, like every automatic text. Marks the ticket as awaiting it.
 */
export async function queueSurvey(tx: Tx, o: { ticketId: string; caps: ChannelCapabilities; lanes: LaneSet; locale: Locale }): Promise<boolean> {
  const survey = await getSurvey(tx);
  if (!survey.on) return false;
  if (replyWindow(o.caps, await lastInboundOf(tx, o.ticketId)) !== 'open') return false;
  const question = survey.text ?? t(o.locale, 'survey.question');
  const options = SCORES.map((s) => ({ id: `${CHOICE_PREFIX}${s}`, title: choiceTitle(o.locale, s) }));
  const tappable = o.caps.choices && o.caps.choices.maxOptions >= options.length && options.every((x) => x.title.length <= o.caps.choices!.maxTitleLength);
  const numbered = [question, '', ...options.map((x) => x.title), '', t(o.locale, 'survey.answer_with_number')].join('\n');
  const text = tappable ? question : numbered;
  const messageId = await insertMessage(tx, { ticketId: o.ticketId, direction: 'outbound', body: numbered, kind: 'auto.survey', deliveryStatus: 'queued' });
  const choices = tappable ? { choices: { button: t(o.locale, 'survey.button'), options } } : {};
  await o.lanes.add(customerLane(o.ticketId), { kind: 'customer.send', messageId, part: 0, text, ...choices });
  await tx`UPDATE tickets SET survey_sent_at = now() WHERE id = ${o.ticketId}`;
  return true;
}

/** A score from a tapped choice's id, or from a message that is only a digit 1–5 (a star or dot after it). */
export function scoreOf(ev: Pick<CustomerMessageEvent, 'choiceId' | 'text' | 'kind'>): number | undefined {
  if (ev.choiceId?.startsWith(CHOICE_PREFIX)) {
    const n = Number(ev.choiceId.slice(CHOICE_PREFIX.length));
    return n >= 1 && n <= 5 ? n : undefined;
  }
  if (ev.kind !== 'text') return undefined;
  const m = /^\s*([1-5])\s*(?:[.!)*]|⭐\uFE0F?)*\s*$/u.exec(ev.text);
  return m ? Number(m[1]) : undefined;
}

/**
 * A customer's message that answers the survey of their last ticket: they have no active
 * ticket, that ticket was resolved with a survey sent in the last 24 hours and not yet answered,
 * and the message is a score. The score is recorded on that ticket; the message and a notice
 * show in its thread, the card shows it, and the customer is thanked. No ticket opens.
 * Undefined: not an answer, the message goes the normal way.
 */
export async function takeSurveyAnswer(
  tx: Tx,
  ev: CustomerMessageEvent,
  contact: { id: string; name: string | null },
  connectionId: string,
  ctx: { capabilitiesOf(channel: string): ChannelCapabilities | undefined; locale: Locale },
): Promise<Outcome | undefined> {
  const score = scoreOf(ev);
  if (score === undefined) return undefined;
  const o = { contactId: contact.id, connectionId, customer: contact.name ?? ev.contact.name ?? ev.contact.externalId, caps: ctx.capabilitiesOf(ev.channel), locale: ctx.locale };
  const [ticket] = await tx<{ id: string }[]>`
    SELECT id FROM tickets t
    WHERE contact_id = ${o.contactId} AND connection_id = ${o.connectionId} AND status = 'resolved' AND csat IS NULL
      AND survey_sent_at > now() - make_interval(hours => ${SURVEY_ANSWER_HOURS})
      AND NOT EXISTS (SELECT 1 FROM tickets a WHERE a.contact_id = t.contact_id AND a.connection_id = t.connection_id AND a.status <> 'resolved')
      AND NOT EXISTS (SELECT 1 FROM tickets n WHERE n.contact_id = t.contact_id AND n.connection_id = t.connection_id AND n.id > t.id)
    ORDER BY id DESC LIMIT 1 FOR UPDATE`;
  if (!ticket) return undefined;
  await tx`UPDATE tickets SET csat = ${score}, csat_at = ${ev.occurredAt} WHERE id = ${ticket.id}`;
  const lanes = new LaneSet(tx);
  await insertInboundMessage(tx, { ticketId: ticket.id, body: ev.text, kind: ev.kind, occurredAt: ev.occurredAt, platform: ev.channel, externalId: ev.externalId, postLane: agentLane(ticket.id) });
  lanes.touched(agentLane(ticket.id));
  const noticeId = await insertNotice(tx, ticket.id, say(o.locale, 'survey.answered', { customer: o.customer, score: `${score}/5` }));
  await lanes.add(agentLane(ticket.id), { kind: 'thread.post', messageId: noticeId });
  await lanes.add(agentLane(ticket.id), { kind: 'card.update', ticketId: ticket.id });
  if (o.caps) {
    const thanks = t(o.locale, 'survey.thanks');
    const messageId = await insertMessage(tx, { ticketId: ticket.id, direction: 'outbound', body: thanks, kind: 'auto.survey_thanks', deliveryStatus: 'queued' });
    await lanes.add(customerLane(ticket.id), { kind: 'customer.send', messageId, part: 0, text: thanks });
  }
  return { state: 'done', lanes: lanes.list() };
}
