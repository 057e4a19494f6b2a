import type { WaMessage } from './schema.js';

type Loose = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const obj = (v: unknown): Loose | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : undefined);
const list = (v: unknown): Loose[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Loose => x !== undefined) : []);

/** The customer forwarded this message (WhatsApp marks forwards in `context`). */
export const isForwarded = (m: WaMessage): boolean => m.context?.forwarded === true || m.context?.frequently_forwarded === true;

/**
 * A readable text for every message type, so nothing a customer sends is silent in the
 * thread: the text itself, or a bracketed line saying what it was (`[image] caption`).
 * Files are referenced on the event (`media`) and mirrored separately.
 */
export function renderMessage(m: WaMessage): string {
  const text = renderBody(m);
  return isForwarded(m) ? `[forwarded] ${text}` : text;
}

function renderBody(m: WaMessage): string {
  const body = obj((m as Loose)[m.type]);
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return renderMedia(m.type, body);
    case 'location':
      return renderLocation(body);
    case 'contacts':
      return renderContacts(list((m as Loose).contacts));
    case 'interactive':
      return renderInteractive(body);
    case 'button': // a template's quick-reply button
      return str(body?.text) ?? str(body?.payload) ?? '[button]';
    case 'reaction': {
      const emoji = str(body?.emoji);
      return emoji ? `[reaction] ${emoji}` : '[reaction removed]';
    }
    case 'system':
      return `[system] ${str(body?.body) ?? (body?.type === 'user_changed_number' ? 'The customer changed their WhatsApp number.' : String(body?.type ?? 'update'))}`;
    case 'order':
      return renderOrder(body);
    case 'edit':
      return renderEdit(m, obj(body?.message));
    case 'revoke':
      return '[the customer deleted a message]';
    default:
      return renderUnsupported(m, body);
  }
}

/** An edit's new content, rendered like any message (a text, or a file's new caption). */
function renderEdit(m: WaMessage, inner: Loose | undefined): string {
  const type = str(inner?.type);
  if (!inner || !type || type === 'edit' || type === 'revoke') return '[edited message]';
  return renderMessage({ ...inner, from: m.from, id: m.id, timestamp: m.timestamp, type } as WaMessage);
}

function renderMedia(type: string, body: Loose | undefined): string {
  const label = type === 'audio' && body?.voice === true ? 'voice message' : type;
  const caption = str(body?.caption);
  const filename = type === 'document' ? str(body?.filename) : undefined;
  const text = filename && caption ? `${filename} — ${caption}` : (filename ?? caption);
  return text ? `[${label}] ${text}` : `[${label}]`;
}

function renderLocation(body: Loose | undefined): string {
  const lat = Number(body?.latitude);
  const lon = Number(body?.longitude);
  const place = [str(body?.name), str(body?.address)].filter(Boolean).join(', ');
  const map = Number.isFinite(lat) && Number.isFinite(lon) ? `https://maps.google.com/?q=${lat},${lon}` : undefined;
  return ['[location]', place, map, str(body?.url)].filter(Boolean).join(' ');
}

/** A vCard summary: each contact's formatted name, phones and emails. */
function renderContacts(contacts: Loose[]): string {
  const lines = contacts.map((c) => {
    const name = obj(c.name);
    const full = str(name?.formatted_name) ?? ([str(name?.first_name), str(name?.last_name)].filter(Boolean).join(' ') || 'unnamed');
    const phones = list(c.phones).map((p) => str(p.phone) ?? str(p.wa_id));
    const emails = list(c.emails).map((e) => str(e.email));
    return [full, ...phones, ...emails].filter(Boolean).join(' · ');
  });
  if (lines.length <= 1) return `[contact] ${lines[0] ?? ''}`.trim();
  return ['[contacts]', ...lines].join('\n');
}

function renderInteractive(body: Loose | undefined): string {
  const button = obj(body?.button_reply);
  const row = obj(body?.list_reply);
  const form = obj(body?.nfm_reply);
  if (button) return str(button.title) ?? '[button reply]';
  if (row) {
    const title = str(row.title) ?? '[list reply]';
    const description = str(row.description);
    return description ? `${title} — ${description}` : title;
  }
  if (form) return `[form] ${formSummary(form)}`;
  return `[interactive reply${str(body?.type) ? `: ${String(body?.type)}` : ''}]`;
}

const MAX_FORM_FIELDS = 20;
const MAX_FORM_VALUE = 200;

/**
 * A Flow's answers (`nfm_reply.response_json`, a JSON string) as `Field: value; …`. The
 * `flow_token` is ours, not the customer's, so it is left out; Flow Builder's generated keys
 * (`screen_0_First_name_0`) are shown as their label (`First name`).
 */
function formSummary(form: Loose): string {
  let answers: Loose | undefined;
  try {
    answers = obj(typeof form.response_json === 'string' ? JSON.parse(form.response_json) : form.response_json);
  } catch {
    answers = undefined;
  }
  const fields = Object.entries(answers ?? {}).filter(([key]) => key !== 'flow_token');
  if (fields.length === 0) return str(form.body) ?? 'sent';
  const shown = fields.slice(0, MAX_FORM_FIELDS).map(([key, value]) => `${fieldLabel(key)}: ${formValue(value)}`);
  if (fields.length > MAX_FORM_FIELDS) shown.push(`… ${fields.length - MAX_FORM_FIELDS} more`);
  return shown.join('; ');
}

function fieldLabel(key: string): string {
  const label = key.replace(/^screen_\d+_/, '').replace(/_\d+$/, '').replace(/_/g, ' ').trim();
  return label || key;
}

function formValue(value: unknown): string {
  const text = Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
    : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_FORM_VALUE ? `${text.slice(0, MAX_FORM_VALUE)}…` : text;
}

/** An order from the business's catalog: items, quantities and prices. */
function renderOrder(body: Loose | undefined): string {
  const items = list(body?.product_items).map((i) => {
    const price = i.item_price !== undefined ? ` (${String(i.item_price)}${str(i.currency) ? ` ${String(i.currency)}` : ''})` : '';
    return `${String(i.quantity ?? 1)} × ${str(i.product_retailer_id) ?? 'item'}${price}`;
  });
  return ['[order]', items.join(', '), str(body?.text)].filter(Boolean).join(' ');
}

/**
 * What Cloud API does not deliver (polls, view-once media, …: type `unsupported`, code 131051)
 * or could not deliver yet (131060), and any type Ponte does not know: a notice the agent can
 * act on, never silence.
 */
function renderUnsupported(m: WaMessage, body: Loose | undefined): string {
  const error = m.errors?.[0];
  const inner = str(body?.type);
  const tag = `[${m.type} message${inner ? `: ${inner}` : ''}]`;
  if (error?.code === 131060) {
    return `${tag} WhatsApp did not pass this message on to the API (code 131060). Ask the customer to send it again.`;
  }
  const resend = 'Ask the customer to resend it as text, a photo, a video, a document or a voice message.';
  if (m.type === 'unsupported' || m.type === 'unknown' || error) {
    const code = error?.code !== undefined ? ` (code ${error.code})` : '';
    return `${tag} This type of message is not supported by WhatsApp's API${code}, so its content cannot be shown here. ${resend}`;
  }
  return `${tag} Ponte cannot show this type of message yet. ${resend}`;
}
