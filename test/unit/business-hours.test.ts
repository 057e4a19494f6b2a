import { describe, expect, it } from 'vitest';
import { describeHours, isOpenAt, parseHours, type BusinessHours } from '../../src/hours/business-hours.js';

const sp = parseHours(['mon-fri', '09:00-18:00', 'sat', '09:00-13:00', 'America/Sao_Paulo'], 'UTC') as BusinessHours;

describe('parseHours', () => {
  it('reads day ranges, lists and a time zone', () => {
    expect(sp).toEqual({ timeZone: 'America/Sao_Paulo', rules: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }, { days: [6], from: '09:00', to: '13:00' }] });
    expect(parseHours(['seg,qua,sex', '08:00-12:00'], 'UTC')).toEqual({ timeZone: 'UTC', rules: [{ days: [1, 3, 5], from: '08:00', to: '12:00' }] });
    expect(parseHours(['fri-mon', '10:00-11:00'], 'UTC')).toMatchObject({ rules: [{ days: [0, 1, 5, 6] }] });
    expect(parseHours(['mon', '00:00-24:00'], 'UTC')).toMatchObject({ rules: [{ from: '00:00', to: '24:00' }] });
    expect(parseHours(['mon', '09:00-10:00', 'UTC'], 'America/Sao_Paulo')).toMatchObject({ timeZone: 'UTC' });
  });
  it.each([
    [['mon-fri'], 'syntax'],
    [['funday', '09:00-18:00'], 'syntax'],
    [['mon', '9-18'], 'syntax'],
    [['mon', '18:00-09:00'], 'syntax'],
    [['mon', '25:00-26:00'], 'syntax'],
    [['mon', '09:00-18:00', 'Mars/Olympus'], 'timezone'],
  ])('refuses %j (%s)', (words, error) => {
    expect(parseHours(words, 'UTC')).toEqual({ error });
  });
});

describe('isOpenAt (São Paulo is UTC-3, no DST)', () => {
  it.each([
    ['2026-11-23T12:00:00Z', true], // Monday 09:00 local: opening minute
    ['2026-11-23T11:59:00Z', false], // Monday 08:59
    ['2026-11-23T20:59:00Z', true], // Monday 17:59
    ['2026-11-23T21:00:00Z', false], // Monday 18:00: closed (end is exclusive)
    ['2026-11-28T15:30:00Z', true], // Saturday 12:30
    ['2026-11-28T16:00:00Z', false], // Saturday 13:00
    ['2026-11-29T15:00:00Z', false], // Sunday
    ['2026-11-24T02:00:00Z', false], // Monday 23:00 local, Tuesday in UTC
  ])('%s → %s', (iso, open) => {
    expect(isOpenAt(sp, new Date(iso))).toBe(open);
  });
  it('describes itself', () => {
    expect(describeHours(sp)).toBe('mon,tue,wed,thu,fri 09:00-18:00, sat 09:00-13:00 (America/Sao_Paulo)');
  });
});
