import type { Sql } from '../db/connect.js';
import type { InboundRecord, IgnoredRecord, InboxPort } from '../core/inbound-record.js';
import type { Kicker } from '../queue/queues.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { cleanText } from '../http/clean-text.js';

/** Raw bodies of rejected deliveries are kept for diagnosis, up to this many characters. */
const RAW_KEEP = 64 * 1024;

/**
 * The durable inbox: the webhook path ends here. One INSERT records every event of a
 * delivery (duplicates fall out on the dedupe key), then the ingest worker is woken. If the
 * wake-up fails the rows are still committed, and the sweeper finds them (guarantee 1 and 5).
 */
export class Inbox implements InboxPort {
  constructor(
    private readonly sql: Sql,
    private readonly kicker: Kicker,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async accept(source: string, records: InboundRecord[], ignored: IgnoredRecord[] = []) {
    const rows = [
      ...records.map((r) => ({
        source,
        kind: r.event.type,
        dedupe_key: r.dedupeKey,
        ordering_key: r.orderingKey,
        state: 'pending',
        reason: null,
        payload: this.sql.json(r.event as never),
        occurred_at: r.event.occurredAt,
      })),
      ...ignored.map((r) => ({
        source,
        kind: r.kind,
        dedupe_key: r.dedupeKey,
        ordering_key: null,
        state: 'ignored',
        reason: r.reason,
        payload: null,
        occurred_at: new Date().toISOString(),
      })),
    ];
    if (rows.length === 0) return { fresh: 0, duplicates: 0 };
    type Row = (typeof rows)[number];
    const insert = (batch: Row[]) => this.sql<{ ordering_key: string | null; state: string }[]>`
      INSERT INTO inbound_events ${this.sql(batch)}
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING ordering_key, state`;
    let inserted: { ordering_key: string | null; state: string }[];
    let refused = 0;
    try {
      inserted = await insert(rows);
    } catch (err) {
      // One record the database refuses for its content must not sink its batch (the edge
      // cleans text first; this is the net under it). Anything else — the database is down —
      // is the caller's 5xx, and the platform retries.
      if (!isDataError(err)) throw err;
      inserted = [];
      for (const [i, row] of rows.entries()) {
        try {
          inserted.push(...(await insert([row])));
        } catch (rowErr) {
          if (!isDataError(rowErr)) throw rowErr;
          refused += 1;
          const record = records[i];
          await this.reject(source, `record refused by the database: ${(rowErr as Error).message}`, record ? JSON.stringify(record.event) : row.kind);
        }
      }
    }
    const fresh = inserted.filter((r) => r.state === 'pending');
    const duplicates = rows.length - inserted.length - refused;
    this.metrics.inboundEvents.inc({ source, outcome: 'new' }, inserted.length);
    if (duplicates) this.metrics.inboundEvents.inc({ source, outcome: 'duplicate' }, duplicates);
    const keys = fresh.map((r) => r.ordering_key).filter((k): k is string => k !== null);
    await this.kicker.ingest(keys).catch((err: unknown) => {
      this.log.warn({ err, source }, 'could not wake the ingest worker; the sweeper will pick the events up');
    });
    return { fresh: fresh.length, duplicates };
  }

  async reject(source: string, reason: string, raw: string, opts: { partial?: boolean } = {}) {
    await this.sql`
      INSERT INTO inbound_events (source, kind, state, reason, raw)
      VALUES (${source}, 'rejected', 'rejected', ${cleanText(reason)}, ${cleanText(raw.slice(0, RAW_KEEP))})`;
    this.metrics.webhookRequests.inc({ source, outcome: 'rejected' });
    this.log.warn({ source, reason }, opts.partial ? 'parts of a well-signed delivery not read; the rest was accepted' : 'well-signed delivery rejected');
  }
}

/** Postgres class 22 (data exception): the value itself is refused, e.g. `unsupported Unicode escape sequence`. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
