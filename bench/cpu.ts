// Where the machine's CPU went during a phase, from /proc (Linux only; elsewhere it reports
// nothing). The benchmark shares a small machine with Postgres, Redis, its own helper processes
// and possibly other people's work (test runs, type checks): a latency spike means little unless
// you know whether the CPUs were saturated, and by whom.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

interface Proc { ppid: number; comm: string; ticks: number }
export interface CpuSnapshot { at: number; busy: number; total: number; procs: Map<number, Proc> }

/** CPU time by group, as a share of one CPU (100 = one core busy for the whole phase). */
export interface CpuShares { machineBusyPct: number; cpus: number; byGroup: Record<string, number> }

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm is in parentheses and may contain spaces; the fields after it are positional.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      procs.set(Number(name), { ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

export function snapshot(): CpuSnapshot | undefined {
  if (os.platform() !== 'linux') return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { at: Date.now(), busy: total - idle, total, procs: readProcs() };
}

/** Ticks (user+sys) each group of process trees used between two snapshots, and all of ours together. */
function ticksByGroup(a: CpuSnapshot, b: CpuSnapshot, roots: [string, number | undefined][]): { byGroup: Record<string, number>; ours: number } {
  const groupOf = (pid: number): string | undefined => {
    for (let p: number | undefined = pid, depth = 0; p && depth < 50; p = b.procs.get(p)?.ppid, depth++) {
      for (const [name, root] of roots) if (root === p) return name;
    }
    return undefined;
  };
  const byGroup: Record<string, number> = {};
  let ours = 0;
  for (const [pid, proc] of b.procs) {
    const group = groupOf(pid);
    if (!group) continue;
    const before = a.procs.get(pid);
    const delta = proc.ticks - (before && before.comm === proc.comm ? before.ticks : 0);
    byGroup[group] = (byGroup[group] ?? 0) + delta;
    ours += delta;
  }
  return { byGroup, ours };
}

/**
 * Attributes the CPU used between two snapshots. `roots` name process trees (a pid and all its
 * descendants, first match wins, in order); whatever the machine spent outside them is "other".
 */
export function cpuShares(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined, roots: [string, number | undefined][]): CpuShares | undefined {
  // /proc counts in 10 ms ticks: windows under a second say more about rounding than about load.
  if (!a || !b || b.total <= a.total || b.at - a.at < 1000) return undefined;
  const cpus = os.cpus().length;
  const { byGroup, ours } = ticksByGroup(a, b, roots);
  // /proc/stat counts all CPUs: total/cpus ticks elapsed per CPU.
  const elapsed = (b.total - a.total) / cpus;
  const pct = (ticks: number) => Math.round((ticks / elapsed) * 1000) / 10;
  const shares: Record<string, number> = {};
  for (const [k, v] of Object.entries(byGroup)) shares[k] = pct(v);
  shares.other = pct(Math.max(0, b.busy - a.busy - ours));
  return { machineBusyPct: Math.round(((b.busy - a.busy) / (b.total - a.total)) * 1000) / 10, cpus, byGroup: shares };
}

/** Linux reports process CPU time in ticks of 1/USER_HZ s; USER_HZ is 100 on every current kernel. */
const MS_PER_TICK = 10;

/**
 * CPU milliseconds (user+sys) each group of process trees used between two snapshots, whatever
 * the phase's length: unlike a share of a core, it does not depend on whether the run kept up.
 * A process that ended before `b` is not in it (measure the generator over the load alone).
 */
export function cpuMillis(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined, roots: [string, number | undefined][]): Record<string, number> | undefined {
  if (!a || !b) return undefined;
  const { byGroup } = ticksByGroup(a, b, roots);
  return Object.fromEntries(Object.entries(byGroup).map(([k, v]) => [k, v * MS_PER_TICK]));
}

/** The postmaster's pid from its data directory (first line of postmaster.pid). */
export function postmasterPid(pgData: string): number | undefined {
  try {
    const pid = Number(readFileSync(`${pgData}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export const formatShares = (s: CpuShares | undefined): string =>
  s ? `machine ${s.machineBusyPct}% busy of ${s.cpus} CPUs; by process (100 = 1 core): ${Object.entries(s.byGroup).map(([k, v]) => `${k} ${v}`).join(', ')}` : 'n/a';

/** The pid of a direct child of `ppid` whose command name is `comm` (e.g. our redis-server). */
export function childNamed(s: CpuSnapshot | undefined, ppid: number, comm: string): number | undefined {
  for (const [pid, p] of s?.procs ?? []) if (p.ppid === ppid && p.comm === comm) return pid;
  return undefined;
}

/**
 * CPU milliseconds per message by group, rounded to 0.01 ms: the groups that run Ponte (one
 * process, or web and worker, or the bench process itself) add up to `ponte`; the others keep
 * their names. Empty when no message was acked.
 */
export function perMessageCpu(ms: Record<string, number>, messages: number, ponteGroups: readonly string[]): Record<string, number> {
  if (messages <= 0) return {};
  const sums: Record<string, number> = {};
  for (const [group, v] of Object.entries(ms)) {
    const name = ponteGroups.includes(group) ? 'ponte' : group;
    sums[name] = (sums[name] ?? 0) + v;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round((v / messages) * 100) / 100]));
}
