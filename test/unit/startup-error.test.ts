import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { POSTGRES_MISSING, REDIS_MISSING } from '../../src/local/index.js';
import { startupFailureLine } from '../../src/startup-error.js';

/** The error Node gives for a port that is taken, as fastify's listen() passes it on. */
async function addressInUse(): Promise<unknown> {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const { port } = holder.address() as { port: number };
  const second = createServer();
  const err = await new Promise((resolve) => {
    second.once('error', resolve);
    second.listen(port, '127.0.0.1');
  });
  await new Promise((r) => holder.close(r));
  return { err, port };
}

describe('startupFailureLine', () => {
  it('names a taken port and the way out', async () => {
    const { err, port } = (await addressInUse()) as { err: unknown; port: number };
    expect(startupFailureLine(err)).toBe(`127.0.0.1:${port} is already in use: stop what listens there, or set PORT (and HOST) to a free one.`);
  });

  it('puts every configuration problem on one line, each naming its variable', () => {
    const line = startupFailureLine(new ConfigError(['PORT: expected a number', 'PONTE_LOCALE: expected en or pt-BR']));
    expect(line).toBe('invalid configuration: PORT: expected a number; PONTE_LOCALE: expected en or pt-BR');
  });

  it('says which server does not answer and how to fix it', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5999 });
    expect(startupFailureLine(err)).toMatch(/^nothing answers at 127\.0\.0\.1:5999 \(ECONNREFUSED\): .*DATABASE_URL \/ REDIS_URL/);
  });

  it.each([POSTGRES_MISSING, REDIS_MISSING])('keeps a missing server’s own advice whole: %s', (message) => {
    expect(startupFailureLine(new Error(message))).toBe(message);
  });

  it('keeps the first line of a long tool output and points to debug for the rest', () => {
    const line = startupFailureLine(new Error('Postgres failed to start on port 5432:\nFATAL: lock file exists\nmore'));
    expect(line).toBe('Postgres failed to start on port 5432: (LOG_LEVEL=debug shows the details)');
    expect(line).not.toContain('\n');
  });
});
