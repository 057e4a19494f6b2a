import { parseArgs } from 'node:util';
import { createLogger } from './logger.js';
import { parseConfig } from './config.js';
import type { Role } from './main.js';
import { connectDatabase } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { startLocalPostgres } from './local/index.js';
import { handleProcessErrors } from './process-errors.js';
import { startupFailureLine } from './startup-error.js';

const USAGE = `Usage:
  ponte start [--role all|web|worker|gateway]
                                        run the service (default: all roles in one process;
                                        gateway: only the connections an agent tool keeps open,
                                        feeding the inbox; README)
  ponte start --playground              the same, plus the customer playground at /playground (no Meta account needed)
  ponte migrate                         apply migrations/*.sql and exit
  ponte manifest <tool>                 print an agent tool's app manifest for PUBLIC_URL (README: Set up)
  ponte <tool> help                     an agent tool's own commands (registering its slash commands, its install link)
  ponte help                            this text

Configuration comes from the environment; see README.md.`;

const ROLES = new Set(['all', 'web', 'worker', 'gateway']);
const BUILT_IN = new Set(['start', 'migrate', 'manifest', 'help']);

async function main(argv: string[]): Promise<number> {
  // `ponte <tool> …` belongs to that tool's bridge, its options included.
  if (argv[0] && !BUILT_IN.has(argv[0]) && !argv[0].startsWith('-')) {
    const { bridgeCommands, loadConfig } = await import('./main.js');
    const tool = bridgeCommands[argv[0]];
    if (tool) {
      process.stdout.write(`${await tool(argv.slice(1), loadConfig())}\n`);
      return 0;
    }
  }
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string', default: 'all' }, playground: { type: 'boolean', default: false } } });
  const command = positionals[0] ?? 'help';
  if (command === 'start') {
    if (!ROLES.has(values.role)) {
      console.error(`Unknown role "${values.role}".\n\n${USAGE}`);
      return 2;
    }
    const env = values.playground ? { ...process.env, PONTE_PLAYGROUND: 'on' } : process.env;
    // The handlers come first: an error while starting is logged like any other.
    const log = createLogger(parseConfig(env, {}).LOG_LEVEL);
    handleProcessErrors(log);
    // The composition root (every adapter) loads only for the commands that need it.
    const { startPonte } = await import('./main.js');
    const ponte = await startPonte({ role: values.role as Role, env, log });
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        ponte.log.info({ signal }, 'shutting down');
        ponte.stop().then(resolve, resolve);
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
    return 0;
  }
  if (command === 'migrate') {
    const config = parseConfig(process.env, {});
    const log = createLogger(config.LOG_LEVEL);
    const local = config.DATABASE_URL ? undefined : await startLocalPostgres({ dataDir: config.PONTE_DATA_DIR, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
    const sql = connectDatabase(config.DATABASE_URL ?? local!.url, { max: 1 });
    try {
      const { applied, current } = await migrate(sql);
      log.info({ applied, total: current.length }, applied.length ? 'migrations applied' : 'database already up to date');
    } finally {
      await sql.end();
      await local?.stop();
    }
    return 0;
  }
  if (command === 'manifest') {
    const { loadConfig, manifests } = await import('./main.js');
    const manifest = manifests[positionals[1] ?? ''];
    if (!manifest) {
      console.error(`Manifests: ${Object.keys(manifests).join(', ')}.\n\n${USAGE}`);
      return 2;
    }
    process.stdout.write(`${await manifest(loadConfig())}\n`);
    return 0;
  }
  console.error(USAGE);
  return command === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // One line a person can act on; the stack only when asked for.
    console.error(`ponte: ${startupFailureLine(err)}`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
    process.exit(1);
  },
);
