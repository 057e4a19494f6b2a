import type { InboundEvent } from './events.js';

/** One event of an inbound delivery, as an adapter hands it to the inbox. */
export interface InboundRecord {
  event: InboundEvent;
  /** Platform-unique key (wamid, Slack event_id…): a second delivery is a no-op. */
  dedupeKey: string;
  /** Events with the same key are processed one at a time, in occurrence order. */
  orderingKey: string;
}

/** An event recorded for the audit trail only (echoes, irrelevant events). */
export interface IgnoredRecord {
  dedupeKey: string | null;
  kind: string;
  reason: string;
}

/** The inbox as the adapters' routes see it. */
export interface InboxPort {
  /** Durably records the events (one statement) and wakes the ingest worker. */
  accept(source: string, records: InboundRecord[], ignored?: IgnoredRecord[]): Promise<{ fresh: number; duplicates: number }>;
  /**
   * Records a well-signed delivery that could not be understood (answered 200 by the route), or
   * with `partial`, the parts of one that could not be read while the rest was accepted. The
   * reason names the field and what was wrong, never the content; the raw body is kept in the
   * database for diagnosis, never logged.
   */
  reject(source: string, reason: string, raw: string, opts?: { partial?: boolean }): Promise<void>;
}
