import { describe, it, expect } from 'vitest';
import { TRANSITIONS, isActive, nextStatus, type TicketAction, type TicketStatus } from '../../src/tickets/state-machine.js';

const STATUSES: TicketStatus[] = ['pending', 'open', 'resolved'];
const ACTIONS: TicketAction[] = ['accept', 'return', 'transfer_agent', 'transfer_department', 'resolve'];

/** The lifecycle as the product defines it: status → action → next status (null = refused). */
const EXPECTED: Record<TicketStatus, Record<TicketAction, TicketStatus | null>> = {
  pending: { accept: 'open', return: null, transfer_agent: 'open', transfer_department: 'pending', resolve: 'resolved' },
  open: { accept: null, return: 'pending', transfer_agent: 'open', transfer_department: 'pending', resolve: 'resolved' },
  resolved: { accept: null, return: null, transfer_agent: null, transfer_department: null, resolve: null },
};

const PAIRS = STATUSES.flatMap((status) => ACTIONS.map((action) => ({ status, action, expected: EXPECTED[status][action] })));

describe('ticket state machine', () => {
  it('the table covers all 15 (status × action) pairs', () => {
    expect(PAIRS).toHaveLength(15);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ACTIONS].sort());
  });

  it.each(PAIRS)('$status + $action → $expected', ({ status, action, expected }) => {
    expect(nextStatus(status, action)).toBe(expected);
  });

  it.each(ACTIONS)('nothing leaves resolved (%s)', (action) => {
    expect(nextStatus('resolved', action)).toBeNull();
    expect(TRANSITIONS[action].from).not.toContain('resolved');
  });

  it('TRANSITIONS.from lists exactly the statuses nextStatus allows', () => {
    for (const action of ACTIONS) {
      const allowed = STATUSES.filter((s) => EXPECTED[s][action] !== null);
      expect([...TRANSITIONS[action].from].sort()).toEqual(allowed.sort());
    }
  });

  it.each([
    ['accept', 'set'],
    ['return', 'clear'],
    ['transfer_agent', 'set'],
    ['transfer_department', 'clear'],
    ['resolve', 'keep'],
  ] as const)('%s does "%s" to the assignee', (action, assignee) => {
    expect(TRANSITIONS[action].assignee).toBe(assignee);
  });

  it.each([
    ['pending', true],
    ['open', true],
    ['resolved', false],
  ] as const)('isActive(%s) = %s', (status, active) => {
    expect(isActive(status)).toBe(active);
  });
});
