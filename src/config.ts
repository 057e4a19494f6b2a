import { z } from 'zod';
import { isTimeZone } from './hours/business-hours.js';

/** Graph API version used when META_GRAPH_VERSION is not set. */
export const DEFAULT_GRAPH_VERSION = 'v21.0';

/** A text variable; empty means unset. Adapters build their own variables from these. */
export const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A URL variable with a default (empty means the default). */
export const url = (fallback: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? fallback : v))
    .pipe(z.url())
    .default(fallback);

/** PONTE_ADMINS: `<platform>:<user id>`, comma-separated, for the agent platforms src/main.ts wires. */
export const adminList = (platforms: readonly string[]) =>
  z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(new RegExp(`^(${platforms.join('|')}):[A-Za-z0-9]+$`), `each admin must look like ${platforms.map((p, i) => `${p}:${i ? '123456' : 'U123'}`).join(' or ')}`)));

const secretKey = optional.pipe(
  z
    .string()
    .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes, as 64 hex characters or base64')
    .optional(),
);

const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
/** Ponte's own caps on customers' files it downloads, in MB per kind (Meta's own limits by default). */
const DEFAULT_MEDIA_LIMITS = 'image=5,video=16,audio=16,document=100,sticker=1';

const mediaLimits = z
  .string()
  .trim()
  .transform((v) => v || DEFAULT_MEDIA_LIMITS)
  .default(DEFAULT_MEDIA_LIMITS)
  .transform((v, ctx) => {
    const out: Record<string, number> = Object.fromEntries(DEFAULT_MEDIA_LIMITS.split(',').map((p) => [p.split('=')[0]!, Number(p.split('=')[1]) * 1024 * 1024]));
    for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = /^(image|video|audio|document|sticker)=(\d+(?:\.\d+)?)$/.exec(part);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${part}": each limit must look like image=5 (MB), for ${MEDIA_KINDS.join(', ')}` });
        return z.NEVER;
      }
      out[m[1]!] = Math.round(Number(m[2]) * 1024 * 1024);
    }
    return out as Record<(typeof MEDIA_KINDS)[number], number>;
  });

/** Hosts (and their subdomains) Ponte downloads customers' files from when a webhook gives a URL. */
const DEFAULT_MEDIA_HOSTS = 'fbcdn.net,fbsbx.com,cdninstagram.com,whatsapp.net';

const hostList = z
  .string()
  .default(DEFAULT_MEDIA_HOSTS)
  .transform((v) => (v.trim() ? v : DEFAULT_MEDIA_HOSTS).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, 'each host must be a host name such as fbcdn.net')));

/**
 * The core's part of the environment contract (DESIGN §2); each adapter adds its own variables
 * (its `config.ts`), and src/main.ts puts them together. Every variable is named in the error
 * when it is wrong.
 */
export const coreEnv = {
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: url('http://localhost:3000'),
  DATABASE_URL: optional,
  REDIS_URL: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PONTE_LOCALE: z.enum(['en', 'pt-BR']).default('en'),
  PONTE_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Sao_Paulo').default('UTC'),
  PONTE_ADMINS: adminList(['[a-z]+']),
  PONTE_SECRET_KEY: secretKey,
  PONTE_DATA_DIR: z.string().default('.data'),
  PONTE_QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i).default('ponte'),
  PONTE_BODY_LIMIT: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  PONTE_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  PONTE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Postgres connections per process. A lane being drained holds one and uses another, so at most half the pool drains lanes at once; 2 is the least that works (docs/performance.md). */
  PONTE_DATABASE_POOL: z.coerce.number().int().min(2).max(500).default(20),
  /** on: agent-side posts are paced to each channel's allowance, oldest waiting ticket first; off: sent at once, 429s waited out (docs/reliability.md). */
  PONTE_PACING: z.enum(['on', 'off']).default('on'),
  /** on: a ticket's customer messages already waiting in its agent lane are posted as one post, each line timed (docs/reliability.md); off: one post each. */
  PONTE_MERGE_QUEUED: z.enum(['on', 'off']).default('on'),
  /** on: work this process's workers can do (its own lanes; with every role here, a webhook's conversation) is woken in the process, not through Redis (docs/architecture.md); off: a queue job each. */
  PONTE_WAKE_IN_PROCESS: z.enum(['on', 'off']).default('on'),
  /** How often workers sweep for work that lost its wake-up (default 10 s); tests shorten it. */
  PONTE_SWEEP_EVERY_MS: z.coerce.number().int().min(100).optional(),
  PONTE_MEDIA_LIMITS: mediaLimits,
  PONTE_MEDIA_HOSTS: hostList,
  META_APP_SECRET: optional,
  META_VERIFY_TOKEN: optional,
  META_GRAPH_URL: url('https://graph.facebook.com'),
  META_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0').default(DEFAULT_GRAPH_VERSION),
  WHATSAPP_ACCESS_TOKEN: optional,
  MESSENGER_PAGE_TOKEN: optional,
  INSTAGRAM_ACCESS_TOKEN: optional,
  PONTE_PLAYGROUND: z
    .enum(['on', 'off', 'true', 'false', '1', '0'], 'must be on or off')
    .default('off')
    .transform((v) => v === 'on' || v === 'true' || v === '1'),
};

export type CoreConfig = z.infer<z.ZodObject<typeof coreEnv>>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment: the core's variables and the adapters' (`extra`). A bad value throws
 * a ConfigError that names the variable.
 */
export function parseConfig<S extends z.ZodRawShape>(env: NodeJS.ProcessEnv, extra: S): CoreConfig & z.infer<z.ZodObject<S>> {
  // A variable set to an empty string is unset (docker-compose and .env files produce these).
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = z.object({ ...coreEnv, ...extra }).safeParse(given);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  type Parsed = CoreConfig & z.infer<z.ZodObject<S>>;
  const data = result.data as Parsed;
  if (!data.PONTE_PLAYGROUND) return data;
  const refusal = playgroundRefusal(given);
  if (refusal) throw new ConfigError([`PONTE_PLAYGROUND: ${refusal}`]);
  // The playground is for one person on this machine: localhost unless HOST says otherwise, and
  // its public URL (the files it serves for Instagram) is where it listens.
  const port = data.PORT;
  const publicUrl = given.PUBLIC_URL || port === 0 ? data.PUBLIC_URL : `http://localhost:${port}`;
  return { ...data, HOST: given.HOST ?? '127.0.0.1', PUBLIC_URL: publicUrl };
}

/**
 * Variables that would make the playground talk to the real Meta: its tokens, or a Graph base
 * other than the playground's own emulator. The app secret and verify token are allowed (they
 * reach nobody; the playground signs its webhooks with them).
 */
const REAL_META_VARIABLES = ['WHATSAPP_ACCESS_TOKEN', 'MESSENGER_PAGE_TOKEN', 'INSTAGRAM_ACCESS_TOKEN', 'META_GRAPH_URL'] as const;

/** Why the playground must not start in this environment, or undefined (DESIGN §1: never with real Meta variables or in production). */
export function playgroundRefusal(env: Record<string, string | undefined>): string | undefined {
  if (env.NODE_ENV?.trim() === 'production') return 'the playground does not run with NODE_ENV=production; it is for trying Ponte on your own machine';
  const real = REAL_META_VARIABLES.filter((name) => env[name]?.trim());
  if (real.length) return `the playground does not run with real Meta variables (${real.join(', ')}): unset them, it brings its own Graph API emulator`;
  return undefined;
}

/** Decodes PONTE_SECRET_KEY (hex or base64) into 32 bytes, or undefined when it is not that. */
export function decodeKey(value: string): Buffer | undefined {
  const hex = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : undefined;
  const key = hex ?? Buffer.from(value, 'base64');
  return key.length === 32 ? key : undefined;
}
