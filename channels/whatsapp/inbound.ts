import type { CustomerMessageEvent, CustomerStatusEvent } from '../../src/core/events.js';
import type { IgnoredRecord, InboundRecord } from '../../src/core/inbound-record.js';
import { isoFromUnixSeconds, messageDedupeKey, orderingKey, statusDedupeKey } from './ids.js';
import { renderMessage } from './render.js';
import { waEnvelope, waMessage, waStatus, waValue } from './schema.js';

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
 *  3. route each on metadata.phone_number_id and key it by wamid for dedupe;
 *  4. sort messages by their timestamps (deliveries are not ordered).
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
      readValue(value.data, out);
    }
  }
  out.records.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
  return out;
}

function readValue(value: ReturnType<typeof waValue.parse>, out: ParsedDelivery): void {
  const accountId = value.metadata.phone_number_id;
  const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
  for (const raw of value.messages ?? []) {
    const parsed = waMessage.safeParse(raw);
    if (!parsed.success) {
      out.problems.push('message without from/id/timestamp/type');
      continue;
    }
    const m = parsed.data;
    const event: CustomerMessageEvent = {
      type: 'customer.message',
      channel: 'whatsapp',
      accountId,
      externalId: m.id,
      contact: { externalId: m.from, name: names.get(m.from), phone: m.from },
      occurredAt: isoFromUnixSeconds(m.timestamp),
      kind: m.type,
      text: renderMessage(m),
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
      status: s.status,
      occurredAt: isoFromUnixSeconds(s.timestamp),
      error: first ? { code: String(first.code), title: first.title ?? first.message ?? 'error', detail: first.error_data?.details } : undefined,
    };
    out.records.push({ event, dedupeKey: statusDedupeKey(s.id, s.status), orderingKey: orderingKey(accountId, s.recipient_id) });
  }
}
