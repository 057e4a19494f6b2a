import { Writable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger('info', stream);
  return { log, last: () => JSON.parse(lines.at(-1) ?? 'null') as Record<string, unknown>, raw: () => lines.join('\n') };
}

const SENSITIVE = { token: 'xoxb-SECRET', authorization: 'Bearer SECRET', text: 'secret words', body: 'secret body', phone: '5511987654321', to: '5511912345678', from: '5511900000000' };

describe('logger redaction', () => {
  it.each(Object.entries(SENSITIVE))('redacts top-level %s', (key, value) => {
    const { log, last, raw } = capture();
    log.info({ [key]: value, ticketId: 't-1' }, 'event');
    expect(last()[key]).toBe('[redacted]');
    expect(last().ticketId).toBe('t-1');
    expect(raw()).not.toContain(value);
  });

  it.each(Object.entries(SENSITIVE))('redacts %s one level deep', (key, value) => {
    const { log, last, raw } = capture();
    log.info({ payload: { [key]: value, id: 'wamid.1' } }, 'event');
    expect(last().payload).toEqual({ [key]: '[redacted]', id: 'wamid.1' });
    expect(raw()).not.toContain(value);
  });

  it('redacts { msg: { text } }', () => {
    const { log, raw } = capture();
    log.info({ msg: { text: 'secret words' } });
    expect(raw()).not.toContain('secret words');
    expect(raw()).toContain('[redacted]');
  });

  it('keeps the message and ids', () => {
    const { log, last } = capture();
    log.info({ ticketId: 't-9', jobId: 'j-1' }, 'relayed');
    expect(last()).toMatchObject({ msg: 'relayed', ticketId: 't-9', jobId: 'j-1', level: 30 });
  });

  it('the req serializer drops the query string', () => {
    const { log, last, raw } = capture();
    log.info({ req: { method: 'GET', url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=SECRET&hub.challenge=42', headers: { authorization: 'Bearer X' } } }, 'request');
    expect(last().req).toEqual({ method: 'GET', path: '/webhooks/meta' });
    expect(raw()).not.toContain('SECRET');
    expect(raw()).not.toContain('Bearer');
  });

  it('respects the level', () => {
    const { log, raw } = capture();
    log.debug('hidden');
    expect(raw()).toBe('');
  });
});
