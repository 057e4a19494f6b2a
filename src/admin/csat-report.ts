import { joinRich, rich, strong, type Rich } from '../core/rich-text.js';
import type { Sql } from '../db/connect.js';
import { say, t, type Locale } from '../i18n/catalog.js';

const PERIODS = { '7d': "now() - interval '7 days'", '30d': "now() - interval '30 days'", month: "date_trunc('month', now())" } as const;
type Period = keyof typeof PERIODS;

interface Group {
  name: string;
  count: number;
  average: string;
}

/**
 * `/ponte report csat [7d|30d|month]`: the satisfaction answers received in the period (the last
 * 7 days by default; `month`: since the 1st): how many, their average, how many of each score,
 * and the same per department and per agent who resolved the ticket.
 */
export async function reportCommand(sql: Sql, locale: Locale, text: string): Promise<Rich> {
  const [what = '', when = '7d'] = text.trim().toLowerCase().split(/\s+/);
  if (what !== 'csat' || !(when in PERIODS)) return say(locale, 'report.usage');
  const since = sql.unsafe(PERIODS[when as Period]);
  const scope = sql`FROM tickets t JOIN departments d ON d.id = t.department_id LEFT JOIN agents a ON a.id = t.resolved_by
    WHERE t.csat IS NOT NULL AND t.csat_at >= ${since}`;
  const [total] = await sql<{ count: number; average: string | null }[]>`SELECT count(*)::int AS count, round(avg(t.csat), 1)::text AS average ${scope}`;
  const period = t(locale, `report.period_${when as Period}`);
  if (!total || total.count === 0) return say(locale, 'report.csat_none', { period });
  const scores = await sql<{ csat: number; count: number }[]>`SELECT t.csat, count(*)::int AS count ${scope} GROUP BY t.csat`;
  const byScore = new Map(scores.map((s) => [s.csat, s.count]));
  const distribution = [5, 4, 3, 2, 1].map((s) => `${s}★ ${byScore.get(s) ?? 0}`).join(' · ');
  const departments = await sql<Group[]>`
    SELECT d.name, count(*)::int AS count, round(avg(t.csat), 1)::text AS average ${scope} GROUP BY d.name ORDER BY count(*) DESC, d.name`;
  const agents = await sql<Group[]>`
    SELECT COALESCE(a.display_name, a.platform_user_id, '—') AS name, count(*)::int AS count, round(avg(t.csat), 1)::text AS average ${scope}
    GROUP BY 1 ORDER BY count(*) DESC, 1`;
  const line = (g: Group) => rich('• ', strong(g.name), `: ${g.average} (${g.count})`);
  return joinRich(
    [
      say(locale, 'report.csat_title', { period }),
      say(locale, 'report.csat_total', { count: total.count, average: total.average ?? '—' }),
      distribution,
      say(locale, 'report.by_department'),
      ...departments.map(line),
      say(locale, 'report.by_agent'),
      ...agents.map(line),
    ],
    '\n',
  );
}
