import type { MessageTemplate } from '../../src/core/ports.js';
import type { GraphClient } from '../meta/graph-client.js';

/** A template as `GET /{waba_id}/message_templates` lists it (only the fields we ask for). */
interface GraphTemplate {
  name?: string;
  language?: string;
  status?: string;
  category?: string;
  components?: { type?: string; format?: string; text?: string; buttons?: { type?: string; url?: string }[] }[];
}

interface TemplatePage {
  data?: GraphTemplate[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string };
}

const FIELDS = 'name,language,status,category,components';
const PAGE_SIZE = 100;
// A WABA holds at most a few thousand templates; a cursor that never ends is a bug, not data.
const MAX_PAGES = 100;

/**
 * Every approved template of a WABA that Ponte can send, following Graph's cursor paging
 * (`paging.cursors.after` while `paging.next` is there). Each page is requested from our own
 * Graph base URL with the cursor; the `next` URL itself is never fetched.
 */
export async function listApprovedTemplates(graph: GraphClient, token: string, wabaId: string): Promise<MessageTemplate[]> {
  const out: MessageTemplate[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query: Record<string, string> = { fields: FIELDS, limit: String(PAGE_SIZE), ...(after ? { after } : {}) };
    const res = await graph.get<TemplatePage>(`${encodeURIComponent(wabaId)}/message_templates`, token, query);
    for (const t of res.data ?? []) {
      const template = toMessageTemplate(t);
      if (template) out.push(template);
    }
    const next = res.paging?.cursors?.after;
    if (!res.paging?.next || !next || next === after) break;
    after = next;
  }
  return out;
}

/**
 * An approved template the core can send with body text parameters alone, or undefined.
 * Left out: templates that need more than that (a media or variable header, a URL button with
 * a variable, a one-time-password button) or use named parameters (`{{order_id}}`), because
 * `sendTemplate` fills positional body parameters only and Graph would refuse the send.
 */
export function toMessageTemplate(t: GraphTemplate): MessageTemplate | undefined {
  if (t.status !== 'APPROVED' || !t.name || !t.language) return undefined;
  const components = t.components ?? [];
  const of = (type: string) => components.find((c) => c.type?.toUpperCase() === type);
  const body = of('BODY')?.text ?? '';
  const header = of('HEADER');
  if (header && ((header.format ?? 'TEXT').toUpperCase() !== 'TEXT' || header.text?.includes('{{'))) return undefined;
  const buttons = of('BUTTONS')?.buttons ?? [];
  if (buttons.some((b) => (b.type?.toUpperCase() === 'URL' && b.url?.includes('{{')) || ['OTP', 'COPY_CODE'].includes(b.type?.toUpperCase() ?? ''))) return undefined;
  const placeholders = [...body.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]!);
  if (placeholders.some((p) => !/^\d+$/.test(p))) return undefined;
  const paramCount = Math.max(0, ...placeholders.map(Number));
  return { name: t.name, language: t.language, category: (t.category ?? '').toLowerCase(), status: t.status, body, paramCount };
}

/** The `template` object of a send: a body component with text parameters, none when there are no parameters. */
export function templatePayload(template: { name: string; language: string; params: string[] }): Record<string, unknown> {
  return {
    name: template.name,
    language: { code: template.language },
    ...(template.params.length
      ? { components: [{ type: 'body', parameters: template.params.map((text) => ({ type: 'text', text })) }] }
      : {}),
  };
}
