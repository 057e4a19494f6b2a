import type { Db } from '../db/connect.js';
import type { BusinessHours } from '../hours/business-hours.js';

/** The customer-facing messages an admin can set (DESIGN §6: `/ponte message <kind> <text>`). */
export const MESSAGE_KINDS = ['greeting', 'away', 'accept', 'transfer', 'farewell'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

const key = (kind: MessageKind) => `message.${kind}`;

export async function getMessageText(db: Db, kind: MessageKind): Promise<string | undefined> {
  const [row] = await db<{ value: { text?: string } }[]>`SELECT value FROM settings WHERE key = ${key(kind)}`;
  return row?.value.text || undefined;
}

/** Sets (or, with null, clears) a message text. */
export async function setMessageText(db: Db, kind: MessageKind, text: string | null, by: string): Promise<void> {
  if (text === null) {
    await db`DELETE FROM settings WHERE key = ${key(kind)}`;
    return;
  }
  await db`
    INSERT INTO settings (key, value, updated_by) VALUES (${key(kind)}, ${db.json({ text })}, ${by})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
}

/** Business hours (null: always open, so the greeting is used and never the away message). */
export async function getHours(db: Db): Promise<BusinessHours | null> {
  const [row] = await db<{ value: BusinessHours }[]>`SELECT value FROM settings WHERE key = 'hours'`;
  return row?.value ?? null;
}

export async function setHours(db: Db, hours: BusinessHours | null, by: string): Promise<void> {
  if (!hours) {
    await db`DELETE FROM settings WHERE key = 'hours'`;
    return;
  }
  await db`
    INSERT INTO settings (key, value, updated_by) VALUES ('hours', ${db.json(hours as never)}, ${by})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
}

export interface SignaturePolicy {
  /** Admin's format with {name} (and optionally {text}); null: the channel's default. */
  format: string | null;
  /** Locked: every reply is signed, whatever an agent chose. */
  locked: boolean;
}

export async function getSignaturePolicy(db: Db): Promise<SignaturePolicy> {
  const rows = await db<{ key: string; value: { text?: string; on?: boolean } }[]>`
    SELECT key, value FROM settings WHERE key IN ('signature.format', 'signature.lock')`;
  const byKey = new Map(rows.map((r) => [r.key, r.value]));
  return { format: byKey.get('signature.format')?.text ?? null, locked: byKey.get('signature.lock')?.on === true };
}

export async function setSignatureSetting(db: Db, key: 'signature.format' | 'signature.lock', value: { text: string } | { on: boolean } | null, by: string): Promise<void> {
  if (value === null) {
    await db`DELETE FROM settings WHERE key = ${key}`;
    return;
  }
  await db`
    INSERT INTO settings (key, value, updated_by) VALUES (${key}, ${db.json(value)}, ${by})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
}

/** Explicit mode: plain thread chat is internal; only `!r <text>` (or the Reply button, later) reaches the customer. */
export async function isExplicitMode(db: Db): Promise<boolean> {
  const [row] = await db<{ value: { explicit?: boolean } }[]>`SELECT value FROM settings WHERE key = 'reply.mode'`;
  return row?.value.explicit === true;
}
