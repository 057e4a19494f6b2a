import type { Db } from '../db/connect.js';

/** Shortcuts are lower-case words (letters, digits, - and _), at most 32 characters. */
export const SHORTCUT = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export async function findQuickReply(db: Db, shortcut: string): Promise<string | undefined> {
  const [row] = await db<{ body: string }[]>`SELECT body FROM quick_replies WHERE shortcut = ${shortcut.toLowerCase()}`;
  return row?.body;
}

export async function listQuickReplies(db: Db): Promise<{ shortcut: string; body: string }[]> {
  return db<{ shortcut: string; body: string }[]>`SELECT shortcut, body FROM quick_replies ORDER BY shortcut`;
}

export async function saveQuickReply(db: Db, shortcut: string, body: string, by: string): Promise<void> {
  await db`
    INSERT INTO quick_replies (shortcut, body, created_by) VALUES (${shortcut}, ${body}, ${by})
    ON CONFLICT (shortcut) DO UPDATE SET body = EXCLUDED.body, created_by = EXCLUDED.created_by, created_at = now()`;
}

export async function removeQuickReply(db: Db, shortcut: string): Promise<boolean> {
  return (await db`DELETE FROM quick_replies WHERE shortcut = ${shortcut} RETURNING shortcut`).length === 1;
}
