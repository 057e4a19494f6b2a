import { Redis } from 'ioredis';

/**
 * A one-shot connection that fails fast: no retries, no offline queue, errors handled here,
 * so probing a closed port neither hangs nor prints ioredis's "Unhandled error event".
 */
async function withConnection<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // ioredis 6 arms this timer even when the socket already closed (a refused probe), which
    // would hold the event loop for the default 2 s after every failed probe.
    disconnectTimeout: 100,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

export async function answersPing(port: number): Promise<boolean> {
  return withConnection(port, async (client) => (await client.ping()) === 'PONG').catch(() => false);
}

/** The working directory of the Redis on `port`, to tell our own server from someone else's. */
export async function redisDir(port: number): Promise<string | undefined> {
  return withConnection(port, async (client) => {
    const reply = (await client.config('GET', 'dir')) as unknown;
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  }).catch(() => undefined);
}

/** SHUTDOWN closes the connection instead of replying, so a rejection here is the normal outcome. */
export async function shutdownRedis(port: number, nosave: boolean): Promise<void> {
  await withConnection(port, (client) => (nosave ? client.shutdown('NOSAVE') : client.shutdown())).catch(() => {});
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
