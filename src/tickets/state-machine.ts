/**
 * The ticket lifecycle as data (DESIGN §5, Whaticket semantics). The service turns each
 * transition into one guarded UPDATE … WHERE status = ANY(from); nothing else moves a status.
 */

export type TicketStatus = 'pending' | 'open' | 'resolved';

export type TicketAction = 'accept' | 'return' | 'transfer_agent' | 'transfer_department' | 'resolve';

export interface Transition {
  from: readonly TicketStatus[];
  to: TicketStatus;
  /** What happens to the assignee: set to the acting/target agent, cleared, or kept. */
  assignee: 'set' | 'clear' | 'keep';
}

export const TRANSITIONS: Readonly<Record<TicketAction, Transition>> = {
  accept: { from: ['pending'], to: 'open', assignee: 'set' },
  return: { from: ['open'], to: 'pending', assignee: 'clear' },
  transfer_agent: { from: ['pending', 'open'], to: 'open', assignee: 'set' },
  transfer_department: { from: ['pending', 'open'], to: 'pending', assignee: 'clear' },
  resolve: { from: ['pending', 'open'], to: 'resolved', assignee: 'keep' },
};

/** The next status for `action` from `status`, or null when the transition is not allowed. */
export function nextStatus(status: TicketStatus, action: TicketAction): TicketStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(status) ? t.to : null;
}

/** Active tickets are the ones a customer message attaches to; resolved ones never reopen. */
export function isActive(status: TicketStatus): boolean {
  return status !== 'resolved';
}
