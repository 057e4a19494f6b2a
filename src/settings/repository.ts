import type { Db } from '../db/connect.js';

/** The customer-facing messages an admin can set (DESIGN §6: `/ponte message <kind> <text>`). */
export const MESSAGE_KINDS = ['accept', 'transfer', 'farewell'] as const;
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
