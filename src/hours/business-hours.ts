/**
 * Business hours as data: rules of weekdays and a time range, in one IANA time zone.
 * Parsed from `/ponte hours mon-fri 09:00-18:00 sat 09:00-13:00 America/Sao_Paulo`.
 */
export interface BusinessHours {
  timeZone: string;
  rules: { days: number[]; from: string; to: string }[];
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const PT_DAYS: Record<string, string> = { dom: 'sun', seg: 'mon', ter: 'tue', qua: 'wed', qui: 'thu', sex: 'fri', sab: 'sat', 'sáb': 'sat' };
const TIME = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

function dayIndex(word: string): number {
  const w = PT_DAYS[word] ?? word;
  return DAYS.indexOf(w.slice(0, 3));
}

function parseDays(word: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of word.toLowerCase().split(',')) {
    const [a, b] = part.split('-');
    const from = dayIndex(a ?? '');
    const to = b === undefined ? from : dayIndex(b);
    if (from < 0 || to < 0) return undefined;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort();
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses the words after `/ponte hours`; returns an error word for the refusal text. */
export function parseHours(words: string[], defaultTz: string): BusinessHours | { error: 'syntax' | 'timezone' } {
  const rest = [...words];
  let timeZone = defaultTz;
  // The last word is a time zone when it is not a time range: `America/Sao_Paulo`, `UTC`.
  const last = rest[rest.length - 1];
  if (last && !TIME.test(last) && (last.includes('/') || isTimeZone(last))) {
    timeZone = rest.pop()!;
    if (!isTimeZone(timeZone)) return { error: 'timezone' };
  }
  const rules: BusinessHours['rules'] = [];
  if (rest.length === 0 || rest.length % 2 !== 0) return { error: 'syntax' };
  for (let i = 0; i < rest.length; i += 2) {
    const days = parseDays(rest[i]!);
    const time = TIME.exec(rest[i + 1]!);
    if (!days || !time || `${time[3]}:${time[4]}` <= `${time[1]}:${time[2]}`) return { error: 'syntax' };
    rules.push({ days, from: `${time[1]}:${time[2]}`, to: `${time[3]}:${time[4]}` });
  }
  return { timeZone, rules };
}

/** Whether `at` falls inside the hours, in their time zone. */
export function isOpenAt(hours: BusinessHours, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3));
  const time = `${get('hour')}:${get('minute')}`;
  return hours.rules.some((r) => r.days.includes(day) && time >= r.from && time < r.to);
}

/** `mon-fri 09:00-18:00, sat 09:00-13:00 (America/Sao_Paulo)` */
export function describeHours(hours: BusinessHours): string {
  const days = (ds: number[]) => ds.map((d) => DAYS[d]).join(',');
  return `${hours.rules.map((r) => `${days(r.days)} ${r.from}-${r.to}`).join(', ')} (${hours.timeZone})`;
}
