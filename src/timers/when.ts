/**
 * When a scheduled message goes out, as an agent writes it at the start of a command, read in
 * an IANA time zone (the agent's, else the workspace's). Small and strict: anything it does not
 * recognise is refused, never guessed.
 *
 *   in 2h · in 30m · in 90s · in 3d        (pt-BR: em 2h)
 *   today 18:30 · tomorrow 9:00            (pt-BR: hoje, amanhã)
 *   mon 9:00 … sun 9:00                    (pt-BR: seg, ter, qua, qui, sex, sáb, dom): the next one
 *   2026-12-24 10:00 · 24/12 10:00 · 24/12/2026 10:00   (day first)
 *   18:30                                  (today)
 *
 * Times are H:MM or H:MM:SS, 24-hour. A wall time a DST change skips is moved forward by the
 * change (02:30 on a spring-forward night is 03:30). A time in the past is refused.
 */
export type WhenResult =
  | { at: Date; rest: string }
  | { error: 'syntax' }
  | { error: 'past'; at: Date }
  | { error: 'too_far' };

/** Longest horizon: a year and a day. */
const MAX_AHEAD_MS = 366 * 24 * 3_600_000;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WEEKDAYS: Record<string, number> = {
  sun: 0, sunday: 0, dom: 0, domingo: 0,
  mon: 1, monday: 1, seg: 1, segunda: 1,
  tue: 2, tuesday: 2, ter: 2, terça: 2, terca: 2,
  wed: 3, wednesday: 3, qua: 3, quarta: 3,
  thu: 4, thursday: 4, qui: 4, quinta: 4,
  fri: 5, friday: 5, sex: 5, sexta: 5,
  sat: 6, saturday: 6, sáb: 6, sab: 6, sábado: 6, sabado: 6,
};
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** Parses the start of `input`; `rest` is what follows the time (the message). */
export function parseWhen(input: string, zone: string, now = new Date()): WhenResult {
  const words = input.trim().split(/\s+/);
  const first = (words[0] ?? '').toLowerCase();

  if (first === 'in' || first === 'em') {
    const m = /^(\d{1,4})(s|m|h|d)$/i.exec(words[1] ?? '');
    if (!m) return { error: 'syntax' };
    return checked(new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!), now, restOf(input, 2));
  }
  const today = wallAt(now, zone);
  let date: Pick<Wall, 'y' | 'mo' | 'd'> | undefined;
  let timeWord: string | undefined;
  let used = 2;
  if (first === 'today' || first === 'hoje') date = today;
  else if (first === 'tomorrow' || first === 'amanhã' || first === 'amanha') date = addDays(today, 1);
  else if (first in WEEKDAYS) {
    const wanted = WEEKDAYS[first]!;
    const todayDow = new Date(Date.UTC(today.y, today.mo - 1, today.d)).getUTCDay();
    date = addDays(today, (wanted - todayDow + 7) % 7);
    const time = parseTime(words[1]);
    // Today's weekday whose time has passed means next week's.
    if (time && date.d === today.d && toInstant({ ...date, ...time }, zone) <= now) date = addDays(today, 7);
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(first)) {
    const [y, mo, d] = first.split('-').map(Number) as [number, number, number];
    date = { y, mo, d };
  } else if (/^\d{1,2}\/\d{1,2}(\/\d{4})?$/.test(first)) {
    const [d, mo, y = today.y] = first.split('/').map(Number) as [number, number, number?];
    date = { y, mo, d };
  } else if (TIME.test(first)) {
    date = today;
    timeWord = first;
    used = 1;
  }
  if (!date || !validDate(date)) return { error: 'syntax' };
  const time = parseTime(timeWord ?? words[1]);
  if (!time) return { error: 'syntax' };
  return checked(toInstant({ ...date, ...time }, zone), now, restOf(input, used));
}

/** The text after the first `n` words, with its own line breaks and spacing kept. */
function restOf(input: string, n: number): string {
  const m = new RegExp(`^\\s*(?:\\S+\\s*){${n}}`).exec(input);
  return input.slice(m ? m[0].length : input.length).trim();
}

function checked(at: Date, now: Date, rest: string): WhenResult {
  if (at.getTime() <= now.getTime()) return { error: 'past', at };
  if (at.getTime() - now.getTime() > MAX_AHEAD_MS) return { error: 'too_far' };
  return { at, rest };
}

function parseTime(word: string | undefined): Pick<Wall, 'h' | 'mi' | 's'> | undefined {
  const m = TIME.exec(word ?? '');
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return h < 24 && mi < 60 && s < 60 ? { h, mi, s } : undefined;
}

function validDate({ y, mo, d }: Pick<Wall, 'y' | 'mo' | 'd'>): boolean {
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

function addDays({ y, mo, d }: Pick<Wall, 'y' | 'mo' | 'd'>, n: number): Pick<Wall, 'y' | 'mo' | 'd'> {
  const p = new Date(Date.UTC(y, mo - 1, d + n));
  return { y: p.getUTCFullYear(), mo: p.getUTCMonth() + 1, d: p.getUTCDate() };
}

/** The wall clock in `zone` at `at`. */
export function wallAt(at: Date, zone: string): Wall {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: n('year'), mo: n('month'), d: n('day'), h: n('hour'), mi: n('minute'), s: n('second') };
}

/** The zone's offset from UTC at `at`, in ms. */
function offsetAt(at: Date, zone: string): number {
  const w = wallAt(at, zone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a wall time in `zone` names (the offset read twice, so a DST change between is right). */
export function toInstant(w: Wall, zone: string): Date {
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  const first = asUtc - offsetAt(new Date(asUtc), zone);
  const second = asUtc - offsetAt(new Date(first), zone);
  return new Date(first === second ? first : Math.max(first, second));
}

/** `2026-12-24 10:00` in `zone`, for lists and notices. */
export function formatLocal(at: Date, zone: string): string {
  const w = wallAt(at, zone);
  const p = (v: number) => String(v).padStart(2, '0');
  return `${w.y}-${p(w.mo)}-${p(w.d)} ${p(w.h)}:${p(w.mi)}${w.s ? `:${p(w.s)}` : ''} (${zone})`;
}
