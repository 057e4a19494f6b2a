import type { Db } from '../db/connect.js';

/** `/ponte transcript on [html]|off`: whether (and in which format) a resolved ticket's transcript is posted in its thread. */
export async function getTranscriptOnResolve(db: Db): Promise<'txt' | 'html' | null> {
  const [row] = await db<{ value: { format?: string } }[]>`SELECT value FROM settings WHERE key = 'transcript.on_resolve'`;
  const format = row?.value.format;
  return format === 'html' || format === 'txt' ? format : null;
}

export async function setTranscriptOnResolve(db: Db, format: 'txt' | 'html' | null, by: string): Promise<void> {
  if (!format) {
    await db`DELETE FROM settings WHERE key = 'transcript.on_resolve'`;
    return;
  }
  await db`
    INSERT INTO settings (key, value, updated_by) VALUES ('transcript.on_resolve', ${db.json({ format })}, ${by})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
}
