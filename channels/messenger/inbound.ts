import type { CustomerMessageEvent, CustomerStatusEvent, DeliveryState } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import type { MetaObjectParser } from '../meta/routes.js';
import {
  deletionDedupeKey,
  deletionId,
  echoDedupeKey,
  editDedupeKey,
  editId,
  isoFromMs,
  messageDedupeKey,
  msFromTimestamp,
  orderingKey,
  reactionDedupeKey,
  reactionId,
  statusDedupeKey,
  watermarkDedupeKey,
  type MetaChannelKind,
} from './ids.js';
import { messageKind, messageText, reactionEmoji, renderAttachments, toReferral } from './render.js';
import { envelope, message as messageSchema, messagingEvent, type MessagingEvent } from './schema.js';
import { schemaIssue } from '../meta/schema-issue.js';

export interface ParsedDelivery {
  records: InboundRecord[];
  ignored: IgnoredRecord[];
  /** Parts of a valid delivery that could not be read (recorded and counted; the rest go on). */
  problems: string[];
}

const OBJECT: Record<MetaChannelKind, string> = { messenger: 'page', instagram: 'instagram' };
const PLATFORM: Record<MetaChannelKind, string> = { messenger: 'Messenger', instagram: 'Instagram' };

/** `object: "page"` deliveries. */
export const parseMessenger: MetaObjectParser = (body) => parseDelivery('messenger', body);
/** `object: "instagram"` deliveries (Instagram messaging is the Messenger Platform with an IG account). */
export const parseInstagram: MetaObjectParser = (body) => parseDelivery('instagram', body);

/**
 * A Messenger or Instagram webhook delivery → core events:
 *  1. validate the envelope (a bad one is the caller's 'rejected');
 *  2. walk every entry and every event in `messaging[]`, `standby[]` and `changes[].value`
 *     (batches carry many; standby events come while another app holds the thread);
 *  3. drop echoes of our own (and the Page inbox's) sends; read each other event on its own,
 *     so one unreadable event is a problem and the rest still arrive;
 *  4. key each by mid (statuses by mid or watermark) and sort by timestamp (not ordered).
 */
export function parseDelivery(kind: MetaChannelKind, body: unknown): ParsedDelivery | { error: string } {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { error: `invalid ${PLATFORM[kind]} envelope: ${parsed.error.issues[0]?.message ?? 'unknown'}` };
  if (parsed.data.object !== OBJECT[kind]) return { error: `${PLATFORM[kind]} parser given object ${parsed.data.object}` };
  const out: ParsedDelivery = { records: [], ignored: [], problems: [] };
  for (const entry of parsed.data.entry) {
    const context = { kind, entryId: entry.id, entryTime: msFromTimestamp(entry.time), out };
    for (const raw of [...(entry.messaging ?? []), ...(entry.standby ?? [])]) readEvent(raw, context);
    for (const change of entry.changes ?? []) {
      const value = change.value as { sender?: unknown; recipient?: unknown } | null | undefined;
      if (value && typeof value === 'object' && (value.sender || value.recipient)) readEvent(value, context);
      else out.ignored.push({ dedupeKey: null, kind: `${kind}.${change.field ?? 'change'}`, reason: 'unsupported_field' });
    }
  }
  // Stable: events of the same millisecond keep their delivery order.
  out.records.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
  return out;
}

interface Context {
  kind: MetaChannelKind;
  entryId: string;
  entryTime: number | undefined;
  out: ParsedDelivery;
}

function readEvent(raw: unknown, ctx: Context): void {
  const { kind, out } = ctx;
  const parsed = messagingEvent.safeParse(raw);
  if (!parsed.success) {
    out.problems.push(`event in entry ${ctx.entryId} not read: ${schemaIssue(parsed.error)}`);
    return;
  }
  const ev = parsed.data;
  const rawMessage = ev.message as { is_echo?: unknown; mid?: unknown } | undefined;
  if (rawMessage && typeof rawMessage === 'object' && rawMessage.is_echo === true) {
    // Our own sends and the Page inbox's come back as echoes: never a customer message.
    const mid = typeof rawMessage.mid === 'string' ? rawMessage.mid : undefined;
    out.ignored.push({ dedupeKey: mid ? echoDedupeKey(kind, mid) : null, kind: `${kind}.message`, reason: 'echo' });
    return;
  }
  const contactId = ev.sender?.id;
  const what = eventName(ev);
  if (!contactId) {
    // A chat-plugin guest (`user_ref`) has no PSID to answer.
    out.ignored.push({ dedupeKey: null, kind: `${kind}.${what}`, reason: 'no_sender_id' });
    return;
  }
  const accountId = ev.recipient?.id ?? ctx.entryId;
  const ms = msFromTimestamp(ev.timestamp) ?? ctx.entryTime;
  const at: At = { kind, accountId, contactId, ms, occurredAt: isoFromMs(ms), ordering: orderingKey(kind, accountId, contactId) };
  switch (what) {
    case 'message':
      return readMessage(ev.message, at, out);
    case 'reaction':
      return readReaction(ev, at, out);
    case 'message_edit':
      return readEdit(ev, at, out);
    case 'delivery':
    case 'read':
      return readStatus(ev, what, at, out);
    case 'postback': {
      const p = ev.postback!;
      const externalId = p.mid ?? `postback:${contactId}:${ms ?? 0}`;
      const event = messageEvent(at, externalId, 'postback', p.title?.trim() || p.payload || '[button]');
      const referral = toReferral(p.referral);
      if (referral) event.referral = referral;
      out.records.push({ event, dedupeKey: messageDedupeKey(kind, externalId), orderingKey: at.ordering });
      return;
    }
    default:
      // A referral in an open thread, optins, handovers…: recorded, not relayed.
      out.ignored.push({ dedupeKey: null, kind: `${kind}.${what}`, reason: what === 'referral' ? 'referral_without_message' : 'unsupported_event' });
  }
}

interface At {
  kind: MetaChannelKind;
  accountId: string;
  contactId: string;
  ms: number | undefined;
  occurredAt: string;
  ordering: string;
}

const KNOWN = ['message', 'message_edit', 'reaction', 'delivery', 'read', 'postback', 'referral'] as const;
const IGNORE_KEYS = new Set(['sender', 'recipient', 'timestamp']);

/** Which event this is: a known field, else the first unknown one (for the audit trail). */
function eventName(ev: MessagingEvent): string {
  const known = KNOWN.find((k) => ev[k] !== undefined);
  return known ?? Object.keys(ev).find((k) => !IGNORE_KEYS.has(k)) ?? 'empty';
}

function messageEvent(at: At, externalId: string, kind: string, text: string): CustomerMessageEvent {
  return {
    type: 'customer.message',
    channel: at.kind,
    accountId: at.accountId,
    externalId,
    contact: { externalId: at.contactId },
    occurredAt: at.occurredAt,
    kind,
    text,
  };
}

function readMessage(raw: unknown, at: At, out: ParsedDelivery): void {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    out.problems.push(`message not read: ${schemaIssue(parsed.error, 'message')}`);
    return;
  }
  const m = parsed.data;
  if (m.is_deleted) {
    // The deleted message's own mid comes back: the notice needs its own id, and points at it.
    const event = messageEvent(at, deletionId(m.mid), 'deleted', '[the customer deleted a message]');
    event.replyTo = m.mid;
    event.revision = { action: 'delete', targetExternalId: m.mid };
    out.records.push({ event, dedupeKey: deletionDedupeKey(at.kind, m.mid), orderingKey: at.ordering });
    return;
  }
  const mention = m.attachments?.find((a) => a.type === 'story_mention');
  if (mention) {
    // Instagram: a mention in the customer's story is a notice, not a conversation. Its media
    // expires in 24 hours and must not be stored, so only the link goes on.
    const url = typeof mention.payload?.url === 'string' ? mention.payload.url : undefined;
    // The core words the notice (in the team's language); the text is what it links to.
    const event = messageEvent(at, m.mid, 'story_mention', url ?? '[story mention]');
    event.noticeOnly = true;
    out.records.push({ event, dedupeKey: messageDedupeKey(at.kind, m.mid), orderingKey: at.ordering });
    return;
  }
  const attachments = renderAttachments(m.attachments ?? []);
  const event = messageEvent(at, m.mid, messageKind(m), messageText(m, attachments, PLATFORM[at.kind]));
  if (attachments.media.length) event.media = attachments.media;
  if (m.reply_to?.mid) event.replyTo = m.reply_to.mid;
  const referral = toReferral(m.referral);
  if (referral) event.referral = referral;
  out.records.push({ event, dedupeKey: messageDedupeKey(at.kind, m.mid), orderingKey: at.ordering });
}

/** `message_edit{mid, text, num_edit}`: the customer changed a message; each edit is its own event. */
function readEdit(ev: MessagingEvent, at: At, out: ParsedDelivery): void {
  const e = ev.message_edit!;
  const id = editId(e.mid, e.num_edit, at.ms ?? 0);
  const event = messageEvent(at, id, 'text', e.text?.trim() ? e.text : '[edited message]');
  event.revision = { action: 'edit', targetExternalId: e.mid };
  out.records.push({ event, dedupeKey: editDedupeKey(at.kind, id), orderingKey: at.ordering });
}

function readReaction(ev: MessagingEvent, at: At, out: ParsedDelivery): void {
  const r = ev.reaction!;
  const action = r.action === 'unreact' ? 'unreact' : 'react';
  const id = reactionId(r.mid, action, at.ms ?? 0);
  const emoji = action === 'react' ? reactionEmoji(r.emoji, r.reaction) : null;
  if (action === 'react' && emoji === null) {
    // A reaction we cannot name as an emoji: shown as words, not mistaken for a removal.
    out.records.push({ event: messageEvent(at, id, 'reaction', `[reaction] ${r.reaction ?? 'unknown'}`), dedupeKey: reactionDedupeKey(at.kind, id), orderingKey: at.ordering });
    return;
  }
  const event = messageEvent(at, id, 'reaction', emoji ? `[reaction] ${emoji}` : '[reaction removed]');
  event.reaction = { targetExternalId: r.mid, emoji };
  out.records.push({ event, dedupeKey: reactionDedupeKey(at.kind, id), orderingKey: at.ordering });
}

/**
 * `delivery{mids?, watermark}` and `read{watermark}` (Messenger) or `read{mid}` (Instagram):
 * one status per mid when mids are given, else one for everything before the watermark.
 */
function readStatus(ev: MessagingEvent, what: 'delivery' | 'read', at: At, out: ParsedDelivery): void {
  const status: DeliveryState = what === 'delivery' ? 'delivered' : 'read';
  const body = what === 'delivery' ? ev.delivery! : ev.read!;
  const mids = 'mids' in body && Array.isArray(body.mids) ? body.mids : 'mid' in body && typeof body.mid === 'string' ? [body.mid] : [];
  const base = { type: 'customer.status', channel: at.kind, accountId: at.accountId, contactExternalId: at.contactId, status, occurredAt: at.occurredAt } as const;
  for (const mid of new Set(mids)) {
    const event: CustomerStatusEvent = { ...base, externalId: mid };
    out.records.push({ event, dedupeKey: statusDedupeKey(at.kind, mid, status), orderingKey: at.ordering });
  }
  if (mids.length) return;
  const watermarkMs = msFromTimestamp(body.watermark);
  if (watermarkMs === undefined) {
    out.problems.push(`${what} without mids or watermark`);
    return;
  }
  const event: CustomerStatusEvent = { ...base, watermark: isoFromMs(watermarkMs) };
  out.records.push({ event, dedupeKey: watermarkDedupeKey(at.kind, at.accountId, at.contactId, String(watermarkMs), status), orderingKey: at.ordering });
}
