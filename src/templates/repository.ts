import type { Db } from '../db/connect.js';
import type { MessageTemplate } from '../core/ports.js';

export interface StoredTemplate extends MessageTemplate {
  business_account_id: string;
}

/** Replaces what is stored for a business account with what the platform listed (approved only). */
export async function replaceTemplates(db: Db, businessAccountId: string, templates: MessageTemplate[]): Promise<void> {
  const keep = templates.map((tpl) => `${tpl.name}|${tpl.language}`);
  await db`
    DELETE FROM templates WHERE business_account_id = ${businessAccountId}
      AND NOT (name || '|' || language = ANY(${keep}))`;
  for (const tpl of templates) {
    await db`
      INSERT INTO templates (business_account_id, name, language, category, status, body, param_count)
      VALUES (${businessAccountId}, ${tpl.name}, ${tpl.language}, ${tpl.category}, ${tpl.status}, ${tpl.body}, ${tpl.paramCount})
      ON CONFLICT (business_account_id, name, language) DO UPDATE SET
        category = EXCLUDED.category, status = EXCLUDED.status, body = EXCLUDED.body,
        param_count = EXCLUDED.param_count, synced_at = now()`;
  }
}

interface Row {
  business_account_id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  body: string;
  param_count: number;
}

const toTemplate = (r: Row): StoredTemplate => ({
  business_account_id: r.business_account_id,
  name: r.name,
  language: r.language,
  category: r.category,
  status: r.status,
  body: r.body,
  paramCount: r.param_count,
});

/** The templates a connection can send (its business account's), by name. */
export async function templatesForConnection(db: Db, connectionId: string): Promise<StoredTemplate[]> {
  const rows = await db<Row[]>`
    SELECT tp.business_account_id, tp.name, tp.language, tp.category, tp.status, tp.body, tp.param_count
    FROM templates tp JOIN connections c ON c.business_account_id = tp.business_account_id
    WHERE c.id = ${connectionId} ORDER BY tp.name, tp.language`;
  return rows.map(toTemplate);
}

export async function templatesForTicket(db: Db, ticketId: string): Promise<StoredTemplate[]> {
  const [row] = await db<{ connection_id: string }[]>`SELECT connection_id FROM tickets WHERE id = ${ticketId}`;
  return row ? templatesForConnection(db, row.connection_id) : [];
}

/** All stored templates, for `/ponte templates list`. */
export async function allTemplates(db: Db): Promise<StoredTemplate[]> {
  const rows = await db<Row[]>`
    SELECT business_account_id, name, language, category, status, body, param_count
    FROM templates ORDER BY business_account_id, name, language`;
  return rows.map(toTemplate);
}

/** A template's body with its {{n}} placeholders filled (what the customer will read). */
export function renderTemplate(body: string, params: readonly string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => params[Number(n) - 1] ?? whole);
}

/**
 * The template to send by name: in `language` when given, else the one in the preferred
 * language (Ponte's locale, e.g. pt_BR for pt-BR), else the only one, else the first by language.
 */
export function pickTemplate(templates: StoredTemplate[], name: string, language: string | undefined, locale: string): StoredTemplate | undefined {
  const named = templates.filter((tpl) => tpl.name.toLowerCase() === name.toLowerCase());
  if (language) return named.find((tpl) => tpl.language.toLowerCase() === language.toLowerCase());
  const preferred = locale.replace('-', '_').toLowerCase();
  return named.find((tpl) => tpl.language.toLowerCase() === preferred) ?? named.find((tpl) => tpl.language.toLowerCase().startsWith(preferred.slice(0, 2))) ?? named[0];
}
