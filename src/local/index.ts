/**
 * Local Postgres and Redis for development and tests, started when the user gives no
 * DATABASE_URL / REDIS_URL. Data lives under a data directory (default `.data/`).
 */
export type { BinaryLookup, LocalLog, LocalService, LocalServiceOptions } from './types.js';
export { DEFAULT_POSTGRES_PORT, startLocalPostgres } from './postgres.js';
export { DEFAULT_REDIS_PORT, startLocalRedis } from './redis.js';
export { POSTGRES_MISSING } from './postgres-binaries.js';
export { REDIS_MISSING } from './redis-binary.js';
export { freePort } from './port.js';
