import type { Tx } from '../db/connect.js';
import type { Rich } from '../core/rich-text.js';
import { say, type Locale } from '../i18n/catalog.js';
import { closeFields, closeReasonsOf } from './close-settings.js';

/** What a resolve brings with it: a reason (picked or typed) and close fields to set (null clears). */
export interface CloseInput {
  reason?: string;
  fields?: Record<string, string | null>;
}

const FIELD_WORD = /(?:^|\s)([a-z0-9][a-z0-9_-]{0,31})=(?:"([^"]*)"|(\S*))/gi;

/**
 * Reads a typed resolve's words: `reason: <text>` (or the words themselves) is the reason, and
 * each `<field>=<value>` naming a close field sets it (`<field>=` clears it). Other `a=b` words
 * stay in the reason.
 */
export function splitCloseWords(words: string, fieldNames: readonly string[]): CloseInput {
  const names = new Set(fieldNames.map((n) => n.toLowerCase()));
  const fields: Record<string, string | null> = {};
  const rest = words.replace(FIELD_WORD, (whole, name: string, quoted?: string, bare?: string) => {
    if (!names.has(name.toLowerCase())) return whole;
    const value = (quoted ?? bare ?? '').trim();
    fields[name.toLowerCase()] = value ? value.slice(0, 500) : null;
    return ' ';
  });
  const reason = rest.trim().replace(/^reason\s*:\s*/i, '').trim();
  return { ...(reason ? { reason } : {}), ...(Object.keys(fields).length ? { fields } : {}) };
}

export type CloseCheck = { ok: true; reason?: string; fields: Record<string, string | null> } | { ok: false; refusal: Rich };

/**
 * Before a ticket resolves: a reason when its department has a list (a list entry by its words
 * or its number, or any typed reason), and every required close field holding a value once the
 * given ones are applied. A refusal names what is missing and how to give it.
 */
export async function checkClose(
  tx: Tx,
  o: { departmentId: string; contactId: string; words: string; fields?: Record<string, string | null>; locale: Locale },
): Promise<CloseCheck> {
  const { locale } = o;
  const reasons = await closeReasonsOf(tx, o.departmentId);
  const fields = await closeFields(tx);
  const typed = splitCloseWords(o.words, fields.map((f) => f.name));
  const input: CloseInput = { reason: typed.reason, fields: { ...typed.fields, ...o.fields } };
  let reason = input.reason?.trim() || undefined;
  if (reason) {
    const byNumber = /^\d{1,2}$/.test(reason) ? reasons[Number(reason) - 1] : undefined;
    reason = byNumber ?? reasons.find((r) => r.toLowerCase() === reason!.toLowerCase()) ?? reason;
  }
  const given = Object.fromEntries(Object.entries(input.fields ?? {}).filter(([k]) => fields.some((f) => f.name === k)));
  const [contact] = await tx<{ custom_fields: Record<string, string> }[]>`SELECT custom_fields FROM contacts WHERE id = ${o.contactId}`;
  const current = { ...(contact?.custom_fields ?? {}) };
  const missing = fields.filter((f) => f.required && !(f.name in given ? given[f.name] : current[f.name])).map((f) => f.name);
  if (reasons.length > 0 && !reason) {
    const list = reasons.map((r, i) => `${i + 1}. ${r}`).join(' · ');
    return { ok: false, refusal: say(locale, 'close.reason_needed', { reasons: list }) };
  }
  if (missing.length > 0) {
    const example = missing.map((n) => `${n}=…`).join(' ');
    return { ok: false, refusal: say(locale, 'close.fields_needed', { fields: missing.join(', '), example }) };
  }
  return { ok: true, ...(reason ? { reason } : {}), fields: given };
}

/** Writes the close fields on the contact: a value sets it, null clears it. */
export async function saveCloseFields(tx: Tx, contactId: string, fields: Record<string, string | null>): Promise<void> {
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as Record<string, string>;
  const cleared = Object.keys(fields).filter((k) => fields[k] === null);
  if (Object.keys(set).length === 0 && cleared.length === 0) return;
  await tx`UPDATE contacts SET custom_fields = (custom_fields || ${tx.json(set)}) - ${cleared}::text[], updated_at = now() WHERE id = ${contactId}`;
}
