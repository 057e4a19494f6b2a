import type { ContactIdentity, CustomerMessageEvent, CustomerStatusEvent, MediaKind, MediaRef } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import { isoFromUnixSeconds, messageDedupeKey, orderingKey, revisionId, statusDedupeKey } from './ids.js';
import { renderMessage } from './render.js';
import { classifyWhatsAppCode, explainWhatsAppCode } from './errors.js';
import { waContact, waError, waEnvelope, waMessage, waStatus, waValue, type WaContact, type WaMessage } from './schema.js';
import { schemaIssue } from '../meta/schema-issue.js';

export interface ParsedDelivery {
  records: InboundRecord[];
  ignored: IgnoredRecord[];
  /** Parts of a valid delivery that could not be read (recorded and counted; the rest go on). */
  problems: string[];
}

/**
 * A WhatsApp webhook delivery → core events:
 *  1. validate the envelope (a bad one is the caller's 'rejected');
 *  2. walk every entry, every change, every message and status (batches carry up to 1000);
 *  3. route each on metadata.phone_number_id, tag messages with the WABA (`entry[].id`) and key
 *     them by wamid for dedupe; webhook-level `errors[]` become problems, not crashes;
 *  4. sort by the events' timestamps (deliveries are not ordered).
 */
export function parseWhatsApp(body: unknown): ParsedDelivery | { error: string } {
  const envelope = waEnvelope.safeParse(body);
  if (!envelope.success) return { error: `invalid WhatsApp envelope: ${envelope.error.issues[0]?.message ?? 'unknown'}` };
  const out: ParsedDelivery = { records: [], ignored: [], problems: [] };
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') {
        out.ignored.push({ dedupeKey: null, kind: `whatsapp.${change.field}`, reason: 'unsupported_field' });
        continue;
      }
      const value = waValue.safeParse(change.value);
      if (!value.success) {
        out.problems.push(`change in entry ${entry.id} not read: ${schemaIssue(value.error, 'value')}`);
        continue;
      }
      readValue(value.data, entry.id, out);
    }
  }
  // Stable: messages of the same second keep their order within the delivery.
  out.records.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
  return out;
}

type WaValue = ReturnType<typeof waValue.parse>;

function readValue(value: WaValue, wabaId: string, out: ParsedDelivery): void {
  const accountId = value.metadata.phone_number_id;
  const contacts = readContacts(value.contacts ?? [], out);
  for (const raw of value.errors ?? []) {
    const e = waError.safeParse(raw);
    // Codes and titles only: details can quote what the customer sent.
    out.problems.push(e.success ? `WhatsApp reported error ${e.data.code}${e.data.title ? ` (${e.data.title})` : ''} for number ${accountId}` : 'unreadable webhook error');
  }
  for (const [i, raw] of (value.messages ?? []).entries()) {
    const parsed = waMessage.safeParse(raw);
    if (!parsed.success) {
      out.problems.push(`message not read: ${schemaIssue(parsed.error, `messages.${i}`)}`);
      continue;
    }
    const m = parsed.data;
    if (m.type === 'request_welcome') {
      // The customer opened the chat for the first time: nothing was written, so no ticket.
      out.ignored.push({ dedupeKey: messageDedupeKey(m.id), kind: 'whatsapp.request_welcome', reason: 'request_welcome' });
      continue;
    }
    const move = identityMove(m);
    const contact = move?.from ?? identityOf(m, contacts);
    if (!contact) {
      out.problems.push(`message not read: messages.${i} (type ${m.type}) has no from, from_user_id or contacts[] entry`);
      continue;
    }
    const extras = messageExtras(m);
    // An edit or revoke has a wamid of its own; should one ever echo the original's, it still
    // must not fall out as that message's duplicate.
    const externalId = extras.revision?.targetExternalId === m.id ? revisionId(m.id, m.type) : m.id;
    const event: CustomerMessageEvent = {
      type: 'customer.message',
      channel: 'whatsapp',
      accountId,
      businessAccountId: wabaId,
      externalId,
      contact,
      occurredAt: isoFromUnixSeconds(m.timestamp),
      kind: m.type,
      text: renderMessage(m),
      ...extras,
      ...(move ? { moved: move.to } : {}),
    };
    out.records.push({ event, dedupeKey: messageDedupeKey(externalId), orderingKey: orderingKey(accountId, contact.externalId) });
  }
  for (const [i, raw] of (value.statuses ?? []).entries()) {
    const parsed = waStatus.safeParse(raw);
    if (!parsed.success) {
      out.problems.push(`status not read: ${schemaIssue(parsed.error, `statuses.${i}`)}`);
      continue;
    }
    const s = parsed.data;
    // Sent to a BSUID, a status may carry no phone; sent to a phone and failed, no BSUID.
    const recipient = s.recipient_user_id ?? s.recipient_id;
    if (!recipient) {
      out.problems.push(`status not read: statuses.${i} (${s.status}) has neither recipient_id nor recipient_user_id`);
      continue;
    }
    const first = s.errors?.[0];
    const event: CustomerStatusEvent = {
      type: 'customer.status',
      channel: 'whatsapp',
      accountId,
      externalId: s.id,
      contactExternalId: recipient,
      // A played voice message shows as read: the furthest mark the agent side has.
      status: s.status === 'played' ? 'read' : s.status,
      occurredAt: isoFromUnixSeconds(s.timestamp),
      error: first
        ? { code: String(first.code), title: explainWhatsAppCode(first.code) ?? first.title ?? first.message ?? 'error', detail: first.error_data?.details, errorClass: classifyWhatsAppCode(first.code) }
        : undefined,
    };
    out.records.push({ event, dedupeKey: statusDedupeKey(s.id, s.status), orderingKey: orderingKey(accountId, recipient) });
  }
}

/** `contacts[]`, each read on its own: one we cannot read is a problem, not a lost batch. */
function readContacts(list: unknown[], out: ParsedDelivery): WaContact[] {
  const read: WaContact[] = [];
  for (const [i, raw] of list.entries()) {
    const c = waContact.safeParse(raw);
    if (c.success) read.push(c.data);
    else out.problems.push(`contact not read: ${schemaIssue(c.error, `contacts.${i}`)}`);
  }
  return read;
}

const nonBlank = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);

/**
 * Who sent `m`: the BSUID and the phone from the message (`from_user_id`, `from`) and its entry
 * in `contacts[]` (matched by either; a lone entry is the sender's), with the profile name and
 * username. Keyed by the BSUID when there is one: it is there in every message since April 2026,
 * while the phone may be withheld.
 */
function identityOf(m: WaMessage, contacts: WaContact[]): ContactIdentity | undefined {
  const c = contacts.find((x) => (m.from && x.wa_id === m.from) || (m.from_user_id && x.user_id === m.from_user_id)) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const phone = nonBlank(m.from) ?? nonBlank(c?.wa_id);
  const userId = nonBlank(m.from_user_id) ?? nonBlank(c?.user_id);
  const externalId = userId ?? phone;
  if (!externalId) return undefined;
  const name = nonBlank(c?.profile?.name);
  const username = nonBlank(c?.profile?.username);
  return { externalId, ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(userId ? { userId } : {}), ...(username ? { username } : {}) };
}

/**
 * A `system` message that moves the customer to new ids: `user_changed_number` (new phone in
 * `wa_id`, older payloads `new_wa_id`; the new BSUID in `user_id`) and `user_changed_user_id`
 * (a new BSUID only). The old ids are `from` and `previous_user_id`. System messages carry no
 * `contacts[]`.
 */
function identityMove(m: WaMessage): { from: ContactIdentity; to: NonNullable<CustomerMessageEvent['moved']> } | undefined {
  if (m.type !== 'system') return undefined;
  const body = (m as Loose).system as Loose | undefined;
  const kind = body?.type;
  if (kind !== 'user_changed_number' && kind !== 'user_changed_user_id') return undefined;
  const oldPhone = nonEmpty(m.from);
  const oldUserId = nonEmpty(body?.previous_user_id) ?? nonEmpty(m.from_user_id);
  const newPhone = kind === 'user_changed_number' ? (nonEmpty(body?.new_wa_id) ?? nonEmpty(body?.wa_id)) : undefined;
  const newUserId = nonEmpty(body?.user_id);
  const externalId = oldUserId ?? oldPhone;
  if (!externalId || (!newPhone && !newUserId)) return undefined;
  return {
    from: { externalId, ...(oldPhone ? { phone: oldPhone } : {}), ...(oldUserId ? { userId: oldUserId } : {}) },
    to: { ...(newPhone ? { phone: newPhone } : {}), ...(newUserId ? { userId: newUserId } : {}) },
  };
}

type Extras = Pick<CustomerMessageEvent, 'media' | 'replyTo' | 'reaction' | 'referral' | 'revision' | 'choiceId'>;
type Loose = Record<string, unknown>;
const MEDIA_KINDS: readonly string[] = ['image', 'video', 'audio', 'document', 'sticker'] satisfies MediaKind[];
const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The structured parts of a message, beside its text; absent keys stay absent. */
function messageExtras(m: WaMessage): Extras {
  const body = (m as Loose)[m.type] as Loose | undefined;
  const extras: Extras = {};
  if (MEDIA_KINDS.includes(m.type) && typeof body?.id === 'string') {
    const ref: MediaRef = { kind: m.type as MediaKind, id: body.id };
    if (typeof body.mime_type === 'string') ref.mimeType = body.mime_type;
    if (m.type === 'document' && nonEmpty(body.filename)) ref.filename = body.filename as string;
    extras.media = [ref];
  }
  if (m.type === 'reaction' && typeof body?.message_id === 'string') {
    // Meta omits the emoji (or sends "") when the customer takes their reaction back.
    extras.reaction = { targetExternalId: body.message_id, emoji: nonEmpty(body.emoji) ?? null };
  }
  if ((m.type === 'edit' || m.type === 'revoke') && nonEmpty(body?.original_message_id)) {
    // The customer changed (within 15 minutes) or deleted (within 2 days) an earlier message. An
    // edit's new content is rendered as its text; its file, if any, is the one already mirrored.
    extras.revision = { action: m.type === 'edit' ? 'edit' : 'delete', targetExternalId: body!.original_message_id as string };
    return extras;
  }
  if (m.context?.id) extras.replyTo = m.context.id;
  if (m.type === 'interactive') {
    const picked = (body?.list_reply ?? body?.button_reply) as Loose | undefined;
    if (nonEmpty(picked?.id)) extras.choiceId = picked!.id as string;
  }
  if (m.referral) {
    extras.referral = { source: nonEmpty(m.referral.source_type) ?? 'ad' };
    if (nonEmpty(m.referral.headline)) extras.referral.headline = m.referral.headline;
    if (nonEmpty(m.referral.source_url)) extras.referral.url = m.referral.source_url;
  }
  return extras;
}
