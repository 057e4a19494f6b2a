import type { CustomerMessageEvent, CustomerStatusEvent, MediaKind, MediaRef } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import { isoFromUnixSeconds, messageDedupeKey, orderingKey, statusDedupeKey } from './ids.js';
import { renderMessage } from './render.js';
import { classifyWhatsAppCode } from './errors.js';
import { waError, waEnvelope, waMessage, waStatus, waValue, type WaMessage } from './schema.js';

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
        out.problems.push(`change without metadata in entry ${entry.id}`);
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
  const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
  for (const raw of value.errors ?? []) {
    const e = waError.safeParse(raw);
    // Codes and titles only: details can quote what the customer sent.
    out.problems.push(e.success ? `WhatsApp reported error ${e.data.code}${e.data.title ? ` (${e.data.title})` : ''} for number ${accountId}` : 'unreadable webhook error');
  }
  for (const raw of value.messages ?? []) {
    const parsed = waMessage.safeParse(raw);
    if (!parsed.success) {
      out.problems.push('message without from/id/timestamp/type');
      continue;
    }
    const m = parsed.data;
    if (m.type === 'request_welcome') {
      // The customer opened the chat for the first time: nothing was written, so no ticket.
      out.ignored.push({ dedupeKey: messageDedupeKey(m.id), kind: 'whatsapp.request_welcome', reason: 'request_welcome' });
      continue;
    }
    const event: CustomerMessageEvent = {
      type: 'customer.message',
      channel: 'whatsapp',
      accountId,
      businessAccountId: wabaId,
      externalId: m.id,
      contact: { externalId: m.from, name: names.get(m.from), phone: m.from },
      occurredAt: isoFromUnixSeconds(m.timestamp),
      kind: m.type,
      text: renderMessage(m),
      ...messageExtras(m),
    };
    out.records.push({ event, dedupeKey: messageDedupeKey(m.id), orderingKey: orderingKey(accountId, m.from) });
  }
  for (const raw of value.statuses ?? []) {
    const parsed = waStatus.safeParse(raw);
    if (!parsed.success) {
      out.problems.push('status without id/status/recipient');
      continue;
    }
    const s = parsed.data;
    const first = s.errors?.[0];
    const event: CustomerStatusEvent = {
      type: 'customer.status',
      channel: 'whatsapp',
      accountId,
      externalId: s.id,
      contactExternalId: s.recipient_id,
      // A played voice message shows as read: the furthest mark the agent side has.
      status: s.status === 'played' ? 'read' : s.status,
      occurredAt: isoFromUnixSeconds(s.timestamp),
      error: first
        ? { code: String(first.code), title: first.title ?? first.message ?? 'error', detail: first.error_data?.details, errorClass: classifyWhatsAppCode(first.code) }
        : undefined,
    };
    out.records.push({ event, dedupeKey: statusDedupeKey(s.id, s.status), orderingKey: orderingKey(accountId, s.recipient_id) });
  }
}

type Extras = Pick<CustomerMessageEvent, 'media' | 'replyTo' | 'reaction' | 'newExternalId' | 'referral' | 'choiceId'>;
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
  if (m.type === 'system' && body?.type === 'user_changed_number') {
    // Documented today as `wa_id`; older payloads used `new_wa_id`.
    const next = nonEmpty(body.new_wa_id) ?? nonEmpty(body.wa_id);
    if (next) extras.newExternalId = next;
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
