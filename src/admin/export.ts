import { link, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import { toCsv } from '../audit/csv.js';
import { publicFileUrl, storePublicFile } from '../media/public-files.js';
import { say } from '../i18n/catalog.js';
import type { AdminDeps, CommandContext } from './context.js';
import { wordAt, type CommandToken } from './tokens.js';

/** How long the download link lives: long enough to click, short enough not to linger. */
export const EXPORT_TTL_MS = 15 * 60 * 1000;

const PERIODS: Record<string, number | null> = { '7d': 7, '30d': 30, all: null };

/**
 * `/ponte export audit [7d|30d|all]` (admins): the audit log as CSV (export-csv: RFC 4180,
 * formula-safe), behind a link at PUBLIC_URL/media/<token> that works for 15 minutes. The token
 * is the capability (256 random bits); the answer is shown only to the admin who asked. A link
 * rather than a one-time download: chat tools fetch links to preview them, which would spend a
 * single use before the admin clicks. The export itself is audited.
 */
export async function exportCommand(deps: Pick<AdminDeps, 'sql' | 'publicUrl'>, ctx: CommandContext, args: CommandToken[]): Promise<Rich> {
  const what = wordAt(args, 0)?.toLowerCase();
  const periodWord = wordAt(args, 1)?.toLowerCase() ?? '7d';
  if (what !== 'audit' || !(periodWord in PERIODS) || args.length > 2) return say(ctx.locale, 'export.usage');
  if (!deps.publicUrl) return say(ctx.locale, 'export.no_public_url');
  const days = PERIODS[periodWord]!;
  const since = days === null ? null : new Date(Date.now() - days * 86_400_000);
  const actor = `${ctx.platform}:${ctx.userId}`;
  const filename = `ponte-audit-${periodWord}-${new Date().toISOString().slice(0, 10)}.csv`;
  const { token, count } = await deps.sql.begin(async (tx) => {
    const entries = await audit.readAudit(tx, since);
    const csv = toCsv([
      ['at', 'actor', 'action', 'details'],
      ...entries.map((e) => [e.at.toISOString(), e.actor, e.action, JSON.stringify(e.details)]),
    ]);
    const stored = await storePublicFile(tx, { bytes: Buffer.from(csv, 'utf8'), mimeType: 'text/csv; charset=utf-8', filename }, EXPORT_TTL_MS);
    await audit.record(tx, actor, 'export', { what: 'audit', period: periodWord, entries: entries.length });
    return { token: stored, count: entries.length };
  });
  return say(ctx.locale, 'export.ready', { count, minutes: EXPORT_TTL_MS / 60_000, file: link(publicFileUrl(deps.publicUrl, token), filename) });
}
