import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { EXIT_CRASHED, handleProcessErrors } from '../../src/process-errors.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger('info', stream), lines };
}

// The listeners our handler added are called directly: emitting the events would reach vitest's own.

let remove: (() => void) | undefined;
afterEach(() => remove?.());

describe('last-resort process handlers', () => {
  it('log an unhandled rejection, redacted, and carry on', () => {
    const { log, lines } = capture();
    const exits: number[] = [];
    remove = handleProcessErrors(log, (code) => exits.push(code));
    process.listeners('unhandledRejection').at(-1)!(Object.assign(new Error('boom'), { text: 'a customer’s words' }), Promise.resolve());
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'unhandled promise rejection (carrying on)', err: { message: 'boom', text: '[redacted]' } });
    expect(exits).toEqual([]);
  });

  it('log an uncaught exception and exit non-zero, for the supervisor to restart the process', () => {
    const { log, lines } = capture();
    const exits: number[] = [];
    remove = handleProcessErrors(log, (code) => exits.push(code));
    process.listeners('uncaughtException').at(-1)!(new TypeError("Cannot read properties of null (reading 'write')"), 'uncaughtException');
    expect(lines.at(-1)).toMatchObject({ level: 60, err: { message: "Cannot read properties of null (reading 'write')" } });
    expect(exits).toEqual([EXIT_CRASHED]);
    expect(EXIT_CRASHED).not.toBe(0);
  });
});
