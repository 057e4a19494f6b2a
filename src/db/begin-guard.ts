import type postgres from 'postgres';

/** Errors that mean the transaction's connection is gone (client side, or the server ending the session). */
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function isConnectionLoss(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, severity } = err as { code?: unknown; severity?: unknown };
  if (typeof code === 'string' && (CONNECTION_LOST.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
  return severity === 'FATAL' || severity === 'PANIC';
}

/** How long a transaction that saw its connection fail waits to learn that it closed. */
const CLOSE_WAIT_MS = 1000;

type Begin = postgres.Sql['begin'];
type Scope = (tx: postgres.TransactionSql) => unknown;

/**
 * Makes `sql.begin` safe when its connection dies (a database restart, a failover, a killed
 * backend). postgres.js 3.4.9 still writes the transaction's ROLLBACK or COMMIT on that
 * connection, and queries the scope issues after the close go to it too: on the dead socket
 * the write throws from a timer, which no caller can catch and which ends the process; on a
 * socket the pool has since reconnected, it lands in another session (porsager/postgres#1208,
 * #1215, unfixed upstream). Here, once the connection is known to be gone, the scope issues
 * nothing more: its queries throw, and it is left pending instead of returning, so postgres.js
 * writes no ROLLBACK or COMMIT (the server rolled back already). `begin` rejects with the
 * connection's error, as before.
 */
export function guardBegin(sql: postgres.Sql): void {
  const begin = sql.begin.bind(sql) as (options: string, fn: Scope) => Promise<unknown>;
  const guarded = (optionsOrFn: string | Scope, maybeFn?: Scope): Promise<unknown> => {
    const [options, fn] = typeof optionsOrFn === 'string' ? [optionsOrFn, maybeFn!] : ['', optionsOrFn];
    let gone = false;
    let closed: () => void = () => {};
    const closing = new Promise<void>((resolve) => (closed = resolve));
    const run = begin(options, async (tx) => {
      const guardedTx = new Proxy(tx, {
        apply(target, self, args) {
          if (gone) throw Object.assign(new Error('the transaction’s connection closed'), { code: 'CONNECTION_CLOSED' });
          return Reflect.apply(target, self, args) as unknown;
        },
      });
      let result: unknown;
      try {
        result = await fn(guardedTx);
      } catch (err) {
        if (isConnectionLoss(err)) await Promise.race([closing, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
        if (gone) await abandoned();
        throw err;
      }
      if (gone) await abandoned();
      return result;
    });
    // `begin` rejects as soon as its connection closes, whatever the scope is doing.
    run.catch(() => {
      gone = true;
      closed();
    });
    return run;
  };
  sql.begin = guarded as Begin;
}

/** Never settles: what awaits it writes nothing more (and is collected with its scope). */
function abandoned(): Promise<never> {
  return new Promise<never>(() => {});
}
