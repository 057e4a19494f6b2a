import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that never reach a log line: tokens, phone numbers and message bodies (customers'
 * and agents' words). Child loggers carry ids (ticket, message, job), never content.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  // Requests are logged as method and path only (the `req` serializer below): no headers, no
  // signatures, no query strings.
  'req.headers.authorization',
  'phone',
  '*.phone',
  'to',
  '*.to',
  'waId',
  '*.waId',
  'from',
  '*.from',
  'text',
  '*.text',
  'body',
  '*.body',
  // Postgres errors' `detail` can echo values ("Key (channel, external_id)=(whatsapp, 5511…)").
  'err.detail',
  '*.err.detail',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Query strings can carry hub.verify_token; log the path only.
      req: (req: { method?: string; url?: string }) => ({ method: req.method, path: req.url?.split('?')[0] }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
