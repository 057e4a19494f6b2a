// The plumbing every local vendor fake shares: a real HTTP server on 127.0.0.1 (so the code under
// test goes through its real HTTP client — undici fetch, keep-alive and all), the raw body, and a
// polling `waitFor` whose timeout message shows what did arrive, which is what you need when an
// asynchronous worker did not make the call you expected.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export interface LocalServer {
  port: number;
  /** Timers the handler set (hung responses); cleared on close so tests never wait on them. */
  timers: Set<ReturnType<typeof setTimeout>>;
  close(): Promise<void>;
}

export async function listenLocal(handler: Handler): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((err: unknown) => {
        // A bug in a fake must be loud, not a hanging request.
        console.error('fake server handler failed', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake server has no TCP address');
  return {
    port: addr.port,
    timers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        // Clients keep connections alive; without destroying them close() would wait for their idle timeout.
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Polls `pred` against the live calls array; a throwing predicate counts as "not yet". */
export async function pollUntil<C>(
  calls: C[],
  pred: (calls: C[]) => boolean,
  timeoutMs: number,
  describe: (call: C) => string,
  fakeName: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (pred(calls)) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const listed = calls.length === 0 ? '  (no calls)' : calls.map((c, i) => `  ${i + 1}. ${describe(c)}`).join('\n');
  const why = lastError instanceof Error ? `\nlast predicate error: ${lastError.message}` : '';
  throw new Error(`${fakeName}.waitFor timed out after ${timeoutMs} ms; ${calls.length} call(s) received:\n${listed}${why}`);
}

/** Keeps long bodies readable in failure messages. */
export function brief(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
