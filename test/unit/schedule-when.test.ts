import { describe, expect, it } from 'vitest';
import { formatLocal, parseWhen } from '../../src/timers/when.js';

const SP = 'America/Sao_Paulo'; // UTC-3, no DST
const NY = 'America/New_York'; // DST: 2026-03-08 02:00 → 03:00, 2026-11-01 02:00 → 01:00
const at = (r: ReturnType<typeof parseWhen>) => ('at' in r && !('error' in r) ? r.at.toISOString() : JSON.stringify(r));

describe('parseWhen', () => {
  // Wednesday 2026-06-10 12:00 in São Paulo.
  const now = new Date('2026-06-10T15:00:00Z');

  it('reads delays, and keeps the message that follows with its line breaks', () => {
    const r = parseWhen('in 2h olá\nde novo', SP, now);
    expect(r).toEqual({ at: new Date('2026-06-10T17:00:00Z'), rest: 'olá\nde novo' });
    expect(at(parseWhen('em 30m oi', SP, now))).toBe('2026-06-10T15:30:00.000Z');
    expect(at(parseWhen('in 3d oi', SP, now))).toBe('2026-06-13T15:00:00.000Z');
  });

  it('reads today, tomorrow and a bare time in the zone', () => {
    expect(at(parseWhen('today 18:30 oi', SP, now))).toBe('2026-06-10T21:30:00.000Z');
    expect(at(parseWhen('hoje 18:30 oi', SP, now))).toBe('2026-06-10T21:30:00.000Z');
    expect(at(parseWhen('tomorrow 9:00 oi', SP, now))).toBe('2026-06-11T12:00:00.000Z');
    expect(at(parseWhen('amanhã 9:00 oi', SP, now))).toBe('2026-06-11T12:00:00.000Z');
    expect(at(parseWhen('18:30:15 oi', SP, now))).toBe('2026-06-10T21:30:15.000Z');
    // The same words in another zone are another instant.
    expect(at(parseWhen('tomorrow 9:00 oi', 'Europe/Lisbon', now))).toBe('2026-06-11T08:00:00.000Z');
  });

  it('reads ISO dates and day-first dates', () => {
    expect(at(parseWhen('2026-12-24 10:00 Feliz Natal', SP, now))).toBe('2026-12-24T13:00:00.000Z');
    expect(at(parseWhen('24/12 10:00 Feliz Natal', SP, now))).toBe('2026-12-24T13:00:00.000Z');
    expect(at(parseWhen('24/12/2026 10:00 Feliz Natal', SP, now))).toBe('2026-12-24T13:00:00.000Z');
    expect(parseWhen('2026-12-24 10:00 Feliz Natal', SP, now)).toMatchObject({ rest: 'Feliz Natal' });
  });

  it('reads weekdays in English and Portuguese as the next one', () => {
    expect(at(parseWhen('mon 9:00 oi', SP, now))).toBe('2026-06-15T12:00:00.000Z');
    expect(at(parseWhen('seg 9:00 oi', SP, now))).toBe('2026-06-15T12:00:00.000Z');
    expect(at(parseWhen('sex 9:00 oi', SP, now))).toBe('2026-06-12T12:00:00.000Z');
    // Today's weekday: today if the time is still ahead, else a week later.
    expect(at(parseWhen('qua 18:00 oi', SP, now))).toBe('2026-06-10T21:00:00.000Z');
    expect(at(parseWhen('wed 9:00 oi', SP, now))).toBe('2026-06-17T12:00:00.000Z');
  });

  it('follows DST: the same wall time on either side of a change is a different offset', () => {
    const before = new Date('2026-03-07T12:00:00Z'); // Saturday, EST
    expect(at(parseWhen('tomorrow 9:00 oi', NY, before))).toBe('2026-03-08T13:00:00.000Z'); // EDT
    expect(at(parseWhen('today 9:00 oi', NY, new Date('2026-03-07T05:00:00Z')))).toBe('2026-03-07T14:00:00.000Z'); // EST
    expect(at(parseWhen('2026-11-01 12:00 oi', NY, before))).toBe('2026-11-01T17:00:00.000Z'); // EST again
    // A wall time the change skips moves forward with it.
    expect(at(parseWhen('2026-03-08 02:30 oi', NY, before))).toBe('2026-03-08T07:30:00.000Z');
    expect(formatLocal(new Date('2026-03-08T13:00:00Z'), NY)).toBe('2026-03-08 09:00 (America/New_York)');
  });

  it('refuses the past, the far future and what it does not understand', () => {
    expect(parseWhen('today 9:00 oi', SP, now)).toEqual({ error: 'past', at: new Date('2026-06-10T12:00:00Z') });
    expect(parseWhen('2025-12-24 10:00 oi', SP, now)).toMatchObject({ error: 'past' });
    expect(parseWhen('01/01 10:00 oi', SP, now)).toMatchObject({ error: 'past' });
    expect(parseWhen('2028-01-01 10:00 oi', SP, now)).toEqual({ error: 'too_far' });
    for (const bad of ['soon oi', 'in 2 h oi', 'tomorrow oi', 'tomorrow 25:00 oi', '31/02 10:00 oi', '2026-13-01 10:00 oi', 'in 2x oi', '12/24 10:00 oi']) {
      expect(parseWhen(bad, SP, now), bad).toEqual({ error: 'syntax' });
    }
  });
});
