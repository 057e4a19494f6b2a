import type { Db } from '../db/connect.js';
import type { AgentPlatform, ChannelKind } from '../core/events.js';
import type { ChannelCapabilities, TicketCard } from '../core/ports.js';
import { placeOf } from '../departments/repository.js';
import { atHandle } from '../contacts/mask.js';
import type { TicketStatus } from './state-machine.js';

interface CardRow {
  id: string;
  protocol: string;
  status: TicketStatus;
  channel: ChannelKind;
  contact_name: string | null;
  contact_phone: string | null;
  contact_external_id: string;
  contact_username: string | null;
  department: string;
  assignee: string | null;
  previous_protocol: string | null;
  department_id: string;
  agent_destination: string;
  agent_platform: AgentPlatform;
  current_platform: AgentPlatform | null;
  tags: string[];
  contact_notes: number;
  scheduled_close_at: Date | null;
  scheduled_close_keep: boolean;
  inactivity_step: 'warn' | 'close' | null;
  inactivity_at: Date | null;
  window_close_at: Date | null;
  last_inbound_at: Date | null;
  referral: { source: string; headline?: string; url?: string } | null;
  close_reason: string | null;
  csat: number | null;
  deleted: boolean;
}

/**
 * The ticket card's content, resolved to names, plus where the ticket's thread belongs.
 * `capsOf` gives the channel's capabilities (its reply window, whether it has templates).
 */
export async function loadCard(
  db: Db,
  ticketId: string,
  locale: string,
  capsOf?: (channel: ChannelKind) => ChannelCapabilities | undefined,
): Promise<{ card: TicketCard; destination: string; platform: string }> {
  const [row] = await db<CardRow[]>`
    SELECT t.id, t.protocol, t.status, c.channel, ct.name AS contact_name, ct.phone AS contact_phone, ct.username AS contact_username,
           ct.external_id AS contact_external_id, d.name AS department, a.display_name AS assignee,
           p.protocol AS previous_protocol, t.department_id,
           c.agent_destination, c.agent_platform, t.scheduled_close_at, t.scheduled_close_keep,
           t.inactivity_step, t.inactivity_at, CASE WHEN d.window_close THEN t.window_close_at END AS window_close_at, ct.last_inbound_at, t.referral, t.close_reason, t.csat, t.deleted_at IS NOT NULL AS deleted,
           ARRAY(SELECT g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = t.id ORDER BY g.name)
             || ARRAY(SELECT '👤' || g.name FROM contact_tags xt JOIN tags g ON g.id = xt.tag_id WHERE xt.contact_id = t.contact_id ORDER BY g.name) AS tags,
           (SELECT count(*)::int FROM contact_notes n WHERE n.contact_id = t.contact_id AND n.deleted_at IS NULL
              AND (n.scope = 'general' OR n.ticket_id = t.id)) AS contact_notes,
           (SELECT l.platform FROM thread_links l WHERE l.ticket_id = t.id AND l.is_current ORDER BY l.created_at DESC LIMIT 1) AS current_platform
    FROM tickets t
    JOIN connections c ON c.id = t.connection_id
    JOIN contacts ct ON ct.id = t.contact_id
    JOIN departments d ON d.id = t.department_id
    LEFT JOIN agents a ON a.id = t.assignee_id
    LEFT JOIN tickets p ON p.id = t.previous_ticket_id
    WHERE t.id = ${ticketId}`;
  if (!row) throw new Error(`ticket ${ticketId} not found`);
  const caps = capsOf?.(row.channel);
  const place = await placeOf(db, row.department_id, row.agent_platform);
  // One place at a time: the ticket's open thread, else its department's place, else the connection's.
  const platform = row.current_platform ?? place?.platform ?? row.agent_platform;
  return {
    card: {
      ticketId: row.id,
      protocol: row.protocol,
      status: row.status,
      channel: row.channel,
      customerName: row.contact_name ?? atHandle(row.contact_username) ?? row.contact_phone ?? row.contact_external_id,
      customerPhone: row.contact_phone,
      customerHandle: row.contact_username?.replace(/^@/, '') || null,
      department: row.department,
      assignee: row.assignee,
      previousProtocol: row.previous_protocol,
      tags: row.tags,
      contactNotes: row.contact_notes,
      scheduledClose: row.scheduled_close_at && row.status !== 'resolved' ? { at: row.scheduled_close_at.toISOString(), keepOnReply: row.scheduled_close_keep } : null,
      inactivity: row.status === 'resolved' ? null : nextIdleStep(row),
      windowClosesAt: windowClose(row.last_inbound_at, caps?.windowHours),
      templates: caps?.templates ?? false,
      referral: row.referral ? [row.referral.headline, row.referral.url].filter(Boolean).join(' — ') || row.referral.source : null,
      closeReason: row.status === 'resolved' ? row.close_reason : null,
      csat: row.csat,
      ...(row.deleted ? { deleted: true } : {}),
      locale,
    },
    // A department's own channel wins over the connection's destination (transfers move tickets).
    destination: place?.platform === platform ? place.containerId : row.agent_destination,
    platform,
  };
}

/** The first of the inactivity step and the window close, when either is set. */
function nextIdleStep(row: CardRow): TicketCard['inactivity'] {
  const idle = row.inactivity_at && row.inactivity_step ? { step: row.inactivity_step, at: row.inactivity_at } : undefined;
  const win = row.window_close_at ? { step: 'window' as const, at: row.window_close_at } : undefined;
  const first = idle && win ? (win.at < idle.at ? win : idle) : (idle ?? win);
  return first ? { step: first.step, at: first.at.toISOString() } : null;
}

function windowClose(lastInbound: Date | null, hours: number | undefined): string | null {
  if (!hours) return null;
  // A customer who never wrote (a conversation Ponte started) is outside the window.
  if (!lastInbound) return new Date(0).toISOString();
  return new Date(lastInbound.getTime() + hours * 3_600_000).toISOString();
}

