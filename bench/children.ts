// The benchmark's helper processes, seen from the orchestrator: the load generator (bench/load.ts)
// and the fake Slack, Discord and Graph servers (bench/fakes.ts, which also sends agent replies). Both run in their own Node process so that
// neither the generator's timetable nor the fakes' body parsing runs on Ponte's event loop.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuShares, snapshot, type CpuShares, type CpuSnapshot } from './cpu.js';

export interface LoadSpec {
  label: string;
  /** Base URL of the server under test, e.g. http://127.0.0.1:34567 */
  target: string;
  path: string;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  contacts: number;
  maxOutstanding: number;
  timeoutMs: number;
  appSecret: string;
  phoneNumberId: string;
  runId: string;
}

export interface LoadResult {
  label: string;
  /** Requests on the timetable (warm-up + measured). */
  scheduled: number;
  /** The first `warmup` sequence numbers are warm-up and excluded from the figures. */
  warmup: number;
  dropped: number;
  /** Per sequence number: Date.now() when sent (-1 if dropped). */
  sentAtMs: number[];
  /** Per sequence number: send → full response, in ms (-1 if dropped or failed). */
  ackMs: number[];
  /** Per sequence number: HTTP status (0 for a network error or a drop). */
  status: number[];
  /** How late the generator fired each request against its timetable, in ms. */
  lateMs: number[];
  maxOutstandingSeen: number;
}

/** The text of message `seq`: unique, plain ASCII (no mrkdwn or Markdown escaping on the way to Slack or Discord). */
export const textFor = (runId: string, seq: number): string => `bench ${runId} m${seq}`;
/** The text of agent reply `seq`; REPLY_PATTERN finds it in what WhatsApp receives (after the agent's name). */
export const replyTextFor = (runId: string, seq: number): string => `reply ${runId} r${seq}`;
export const REPLY_PATTERN = /reply [0-9a-z]+ r\d+/;

const childPath = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

function spawnChild(name: string, execArgv: string[] = []): ChildProcess {
  return fork(childPath(name), [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export interface LoadHooks {
  /** The timetable starts now (after the generator's own start-up). */
  started?(generatorPid: number | undefined): void;
  /** The last response is in; called before the generator process is ended. */
  finished?(): void;
}

/** Runs one load phase in a fresh generator process and returns its raw samples. */
export function runLoad(spec: LoadSpec, hooks: LoadHooks = {}): Promise<LoadResult> {
  const child = spawnChild('load.ts');
  const limitMs = (spec.seconds + spec.warmupSeconds) * 1000 + spec.timeoutMs + 30_000;
  return new Promise<LoadResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGTERM');
      if (err) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new Error(`load generator did not finish within ${limitMs} ms`)), limitMs);
    child.on('message', (m: { type: string; result?: LoadResult; error?: string }) => {
      if (m.type === 'started') hooks.started?.(child.pid);
      if (m.type === 'result' && m.result) {
        hooks.finished?.();
        finish(undefined, m.result);
      }
      if (m.type === 'error') finish(new Error(`load generator failed: ${m.error}`));
    });
    child.on('error', (err) => finish(err));
    child.on('exit', (code) => finish(new Error(`load generator exited (${code}) without a result`)));
    child.send({ type: 'run', spec });
  });
}

/** One load phase, with where the machine's CPU went while the timetable ran. */
export interface MeasuredLoad {
  run: LoadResult;
  cpu?: CpuShares;
  /** /proc snapshots when the timetable started and when the last response was in. */
  before?: CpuSnapshot;
  after?: CpuSnapshot;
  generatorPid?: number;
}

export async function measuredLoad(s: LoadSpec, pids: () => [string, number | undefined][]): Promise<MeasuredLoad> {
  let before: CpuSnapshot | undefined;
  let after: CpuSnapshot | undefined;
  let generator: number | undefined;
  const run = await runLoad(s, {
    started: (pid) => ((generator = pid), (before = snapshot())),
    finished: () => (after = snapshot()),
  });
  return { run, cpu: cpuShares(before, after, [['generator', generator], ...pids()]), before, after, generatorPid: generator };
}

/** Which agent platform a pass measures. */
export type AgentSide = 'slack' | 'discord';

/**
 * A text as it appeared on the agent side: Slack chat.postMessage, or a Discord webhook post (the
 * customer's) or bot message. `opens`: the channel or forum in which the post opened a thread (a
 * ticket's card: Slack's top-level post, Discord's forum post, whose text is then the post's name).
 */
export interface AgentPost { side: AgentSide; text: string; at: number; thread: string; who: string; opens?: string }
/** A Slack chat.update the fake performed: the card (`channel/ts`, as AgentPost.thread names its thread), when, and what it now shows. */
export interface CardUpdate { card: string; at: number; content: string }
/** A WhatsApp text send carrying an agent reply (`key` = the reply's text, see REPLY_PATTERN). */
export interface CustomerSend { key: string; at: number }

export interface FakesSummary { calls: Record<string, number>; specViolations: number; firstViolations: string[] }

/** `limits: 'real'`: the fakes hold Ponte to the platforms' rate limits (docs/performance.md, "Real rate limits"). */
export interface FakesStart { slackToken: string; graphToken: string; users: string[]; discord?: { token: string }; limits?: 'real' }

export interface FakeDiscordInfo { apiUrl: string; applicationId: string; forumId: string; token: string }

/** One open-loop run of agent replies, sent by the fakes process. */
export interface ReplyRun {
  side: AgentSide;
  runId: string;
  rate: number;
  seconds: number;
  /** Slack: `channel/thread_ts`; Discord: the forum post's (thread's) id. Reply seq goes to threads[seq % n]. */
  threads: string[];
  ponteUrl: string;
  slackSigningSecret: string;
  slackAgent: string;
  /** The same words in every thread (a command, e.g. `!transfer Suporte`) instead of numbered replies. */
  text?: string;
}
/** Per reply seq: Date.now() when sent, and (Slack only) the event's send → response in ms (-1 otherwise). */
export interface RepliesSent { sentAtMs: number[]; ackMs: number[] }

export interface FakesProcess {
  pid: number | undefined;
  slackUrl: string;
  graphUrl: string;
  discord?: FakeDiscordInfo;
  /** Called with every customer text the agent side received (the fake's own Date.now() receipt time). */
  onPosts(listener: (posts: AgentPost[]) => void): void;
  /** Called with every WhatsApp text send that carries an agent reply. */
  onSends(listener: (sends: CustomerSend[]) => void): void;
  /** Turns the real rate limits on or off (the rate-limit bench opens its tickets without them). */
  setLimits(on: boolean): Promise<void>;
  /**
   * Called with the running total of posts the fakes answered 429 (by their rate limits), of
   * WhatsApp sends refused with 130429, and of Slack chat.update calls answered 429 (its tier).
   */
  onLimited(listener: (total: number, graph: number, updates: number) => void): void;
  /** Called with every chat.update the fake Slack performed (a card's new content). */
  onUpdates(listener: (updates: CardUpdate[]) => void): void;
  /** Sends agent replies open loop; resolves once all are sent (and, for Slack, acked). */
  replies(run: ReplyRun): Promise<RepliesSent>;
  /** A new forum in the fake Discord guild (announced to the bot as Discord does); its id. */
  addForum(name: string): Promise<string>;
  /** Tells the fake Slack about thread parents (cards) made by seeding rows, so updates find them. */
  slackThreads(channel: string, ts: string[]): void;
  stop(): Promise<FakesSummary | undefined>;
}

interface FakesMessage {
  type: string; slackUrl?: string; graphUrl?: string; discord?: FakeDiscordInfo; posts?: AgentPost[]; sends?: CustomerSend[];
  summary?: FakesSummary; sent?: RepliesSent; error?: string; limited?: number; graphLimited?: number; updatesLimited?: number; forumId?: string;
  updates?: CardUpdate[];
}

export async function startFakes(opts: FakesStart): Promise<FakesProcess> {
  const child = spawnChild('fakes.ts');
  const postListeners: ((posts: AgentPost[]) => void)[] = [];
  const sendListeners: ((sends: CustomerSend[]) => void)[] = [];
  const limitedListeners: ((total: number, graph: number, updates: number) => void)[] = [];
  const updateListeners: ((updates: CardUpdate[]) => void)[] = [];
  let summary: ((s: FakesSummary) => void) | undefined;
  let replied: ((m: FakesMessage) => void) | undefined;
  let limitsSet: (() => void) | undefined;
  let forumAdded: ((id: string) => void) | undefined;
  const ready = new Promise<{ slackUrl: string; graphUrl: string; discord?: FakeDiscordInfo }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fake servers did not start within 30 s')), 30_000);
    child.on('message', (m: FakesMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ slackUrl: m.slackUrl!, graphUrl: m.graphUrl!, discord: m.discord });
      } else if (m.type === 'posts') for (const l of postListeners) l(m.posts!);
      else if (m.type === 'sends') for (const l of sendListeners) l(m.sends!);
      else if (m.type === 'limited') for (const l of limitedListeners) l(m.limited!, m.graphLimited ?? 0, m.updatesLimited ?? 0);
      else if (m.type === 'updates') for (const l of updateListeners) l(m.updates!);
      else if (m.type === 'replied') replied?.(m);
      else if (m.type === 'limits-set') limitsSet?.();
      else if (m.type === 'forum') forumAdded?.(m.forumId!);
      else if (m.type === 'summary') summary?.(m.summary!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake servers exited (${code})`));
    });
  });
  ready.catch(() => {}); // observed below; avoid an unhandled rejection after a later exit
  child.send({ type: 'start', ...opts });
  try {
    const urls = await ready;
    return {
      pid: child.pid,
      ...urls,
      onPosts: (l) => void postListeners.push(l),
      onSends: (l) => void sendListeners.push(l),
      onLimited: (l) => void limitedListeners.push(l),
      onUpdates: (l) => void updateListeners.push(l),
      setLimits: (on) =>
        new Promise<void>((resolve) => {
          limitsSet = resolve;
          child.send({ type: 'limits', on });
        }),
      addForum: (name) =>
        new Promise<string>((resolve) => {
          forumAdded = resolve;
          child.send({ type: 'forum', name });
        }),
      slackThreads: (channel, ts) => void child.send({ type: 'threads', channel, ts }),
      replies: (run) =>
        new Promise<RepliesSent>((resolve, reject) => {
          replied = (m) => (m.sent ? resolve(m.sent) : reject(new Error(`agent replies failed: ${m.error}`)));
          child.send({ type: 'replies', run });
        }),
      stop: () =>
        new Promise<FakesSummary | undefined>((resolve) => {
          if (child.exitCode !== null) return resolve(undefined);
          let result: FakesSummary | undefined;
          summary = (s) => (result = s);
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve(result);
          });
          child.send({ type: 'stop' });
        }),
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

export interface WorkerProcess { pid: number | undefined; url?: string; stop(): Promise<void> }

/** Which code and role(s) a Ponte child process runs (bench/worker.ts). */
export interface PonteChild {
  /** The tree to start Ponte from (default: this checkout). */
  tree?: string;
  /** Default `worker` (`ponte start --role worker`). */
  role?: 'all' | 'web' | 'worker';
  /** Open Ponte's port (PORT/HOST from env); the address comes back as `url`. */
  listen?: boolean;
  /** How the process is named when it does not start. */
  name?: string;
}

/** Ponte in a child process: by default the worker role (ingest, dispatch, sweep) of this checkout. */
export async function startWorkerProcess(env: Record<string, string>, profileDir?: string, o: PonteChild = {}): Promise<WorkerProcess> {
  const child = spawnChild('worker.ts', profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const name = o.name ?? 'the Ponte worker process';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let url: string | undefined;
  await new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.on('message', (m: { type: string; error?: string; url?: string }) => {
      if (m.type === 'ready') {
        url = m.url;
        resolve();
      }
      if (m.type === 'error') reject(new Error(`${name} failed to start: ${m.error}`));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it started`)));
    child.send({ type: 'start', env, tree: o.tree, role: o.role ?? 'worker', listen: o.listen ?? false });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  }).finally(() => clearTimeout(timer));
  return {
    pid: child.pid,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}
