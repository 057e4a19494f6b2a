import type { WaMessage } from './schema.js';

type Loose = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * A readable line for every message type, so nothing a customer sends is silent in the
 * thread. Media bodies are shown by type and caption here; downloading and re-uploading the
 * files themselves is the channel-completion work (docs/architecture.md, "Not yet").
 */
export function renderMessage(m: WaMessage): string {
  const body = (m as Loose)[m.type] as Loose | undefined;
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const label = str(body?.caption) ?? str(body?.filename);
      const voice = m.type === 'audio' && body?.voice === true ? 'voice message' : m.type;
      return label ? `[${voice}] ${label}` : `[${voice}]`;
    }
    case 'location': {
      const lat = Number(body?.latitude);
      const lon = Number(body?.longitude);
      const place = [str(body?.name), str(body?.address)].filter(Boolean).join(', ');
      const map = Number.isFinite(lat) && Number.isFinite(lon) ? `https://maps.google.com/?q=${lat},${lon}` : '';
      return ['[location]', place, map].filter(Boolean).join(' ');
    }
    case 'contacts': {
      const list = Array.isArray((m as Loose).contacts) ? ((m as Loose).contacts as Loose[]) : [];
      const names = list.map((c) => str((c.name as Loose | undefined)?.formatted_name)).filter(Boolean);
      return `[contact] ${names.join(', ')}`.trim();
    }
    case 'reaction':
      return str(body?.emoji) ? `[reaction] ${String(body?.emoji)}` : '[reaction removed]';
    case 'button':
      return str(body?.text) ?? '[button]';
    case 'interactive': {
      const reply = (body?.button_reply ?? body?.list_reply) as Loose | undefined;
      return str(reply?.title) ?? '[interactive reply]';
    }
    default:
      return `[${m.type} message: not shown by Ponte yet]`;
  }
}
