import type { Logger } from './logger.js';

/** Exit code of a process that stopped on an error it could not handle: a supervisor restarts it. */
export const EXIT_CRASHED = 1;

/**
 * Last-resort handlers for a running service, so no error ends a role silently. A rejected
 * promise that nobody awaited is logged and the process carries on: the work it belonged to is
 * in Postgres and is retried or swept. A thrown exception that reached the event loop leaves
 * the process in an unknown state: it is logged and the process exits non-zero, for its
 * supervisor to restart it (docs/operations.md). Errors go through pino, so the usual
 * redaction applies.
 */
export function handleProcessErrors(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'unhandled promise rejection (carrying on)');
  };
  const onException = (err: Error, origin: string) => {
    log.fatal({ err, origin }, 'uncaught exception: exiting for the supervisor to restart the process');
    exit(EXIT_CRASHED);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
