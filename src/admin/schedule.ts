import type { Rich } from '../core/rich-text.js';
import { code } from '../core/rich-text.js';
import type { Tx } from '../db/connect.js';
import { findAgent, saveAgentProfile, type Agent } from '../agents/repository.js';
import { say } from '../i18n/catalog.js';
import { isTimeZone } from '../hours/business-hours.js';
import { describeRows, listScheduled } from '../timers/scheduled-store.js';
import { findTarget, zoneOf } from '../timers/schedule-target.js';
import { cancelVerb, editVerb, scheduleNew, type Scheduler } from '../timers/schedule-verbs.js';
import { isAdmin } from './permissions.js';
import type { AdminDeps, CommandContext } from './context.js';

/** The person running the command, with a profile (their name signs what they schedule). */
async function whoRuns(deps: AdminDeps, ctx: CommandContext): Promise<Agent | undefined> {
  let agent = await findAgent(deps.sql, ctx.platform, ctx.userId);
  if (!agent?.display_name && deps.lookupProfile) {
    agent = await saveAgentProfile(deps.sql, ctx.platform, ctx.userId, await deps.lookupProfile(ctx.platform, ctx.userId)).catch(() => agent);
  }
  return agent;
}

async function scheduler(deps: AdminDeps, ctx: CommandContext, tx: Tx, agent: Agent): Promise<Scheduler> {
  const admin = await isAdmin(deps.sql, deps.envAdmins, ctx.platform, ctx.userId, deps.lookupProfile);
  const zone = await zoneOf(tx, agent.id, deps.timeZone ?? 'UTC');
  return { db: tx, agent, isAdmin: admin, locale: ctx.locale, zone, channelId: ctx.channelId, arm: deps.armMessage };
}

/**
 * `/ponte schedule <phone|name> <when> <text>` (or `… <when> template <name> [params…]`): a
 * message to a contact, whether or not they have an open ticket. A name with spaces is quoted.
 */
export async function scheduleToContact(deps: AdminDeps, ctx: CommandContext, rest: string): Promise<Rich> {
  const usage = say(ctx.locale, 'ponte_schedule.usage');
  const m = /^\s*("[^"]+"|\S+)\s+([\s\S]+)$/.exec(rest);
  if (!m) return usage;
  const agent = await whoRuns(deps, ctx);
  if (!agent) return say(ctx.locale, 'new.unknown_agent');
  return deps.sql.begin(async (tx: Tx) => {
    const target = await findTarget(tx, m[1]!, ctx.channelId);
    if (typeof target === 'string') return say(ctx.locale, `scheduled.${target}`, { who: m[1]!.replace(/"/g, '') });
    const answer = await scheduleNew(await scheduler(deps, ctx, tx, agent), { ...target, ticketId: null }, m[2]!, usage);
    // A refusal must not leave a contact made for it behind.
    if (!answer.ok) throw new Refused(answer.text);
    return answer.text;
  }).catch((err: unknown) => {
    if (err instanceof Refused) return err.text;
    throw err;
  });
}

/** `/ponte scheduled [mine|all]`, `/ponte scheduled edit <n> …`, `/ponte scheduled cancel <n>`. */
export async function scheduledCommand(deps: AdminDeps, ctx: CommandContext, rest: string): Promise<Rich> {
  const usage = say(ctx.locale, 'ponte_scheduled.usage');
  const [verb = 'mine', ...more] = rest.trim().split(/\s+/).filter(Boolean);
  const agent = await whoRuns(deps, ctx);
  if (!agent) return say(ctx.locale, 'new.unknown_agent');
  return deps.sql.begin(async (tx: Tx) => {
    const s = await scheduler(deps, ctx, tx, agent);
    switch (verb.toLowerCase()) {
      case 'mine':
      case 'all': {
        const rows = await listScheduled(tx, verb.toLowerCase() === 'all' ? 'all' : { authorId: agent.id });
        if (!rows.length) return say(ctx.locale, 'ponte_scheduled.none');
        return say(ctx.locale, 'ponte_scheduled.list', { lines: describeRows(ctx.locale, rows, s.zone) });
      }
      case 'edit':
        return (await editVerb(s, rest.trim().replace(/^edit\s*/i, ''), usage)).text;
      case 'cancel':
        return more[0] ? (await cancelVerb(s, more[0])).text : usage;
      default:
        return usage;
    }
  });
}

/** `/ponte timezone [<IANA zone>|default]`: the zone your scheduled times are read and shown in. */
export async function timezoneCommand(deps: AdminDeps, ctx: CommandContext, rest: string): Promise<Rich> {
  const agent = await whoRuns(deps, ctx);
  if (!agent) return say(ctx.locale, 'new.unknown_agent');
  const zone = rest.trim();
  const workspace = deps.timeZone ?? 'UTC';
  if (!zone) return say(ctx.locale, 'timezone.show', { zone: code(await zoneOf(deps.sql, agent.id, workspace)) });
  if (zone.toLowerCase() === 'default') {
    await deps.sql`UPDATE agents SET time_zone = NULL WHERE id = ${agent.id}`;
    return say(ctx.locale, 'timezone.set', { zone: code(workspace) });
  }
  if (!isTimeZone(zone) || (!zone.includes('/') && zone.toUpperCase() !== 'UTC')) return say(ctx.locale, 'timezone.bad', { zone });
  await deps.sql`UPDATE agents SET time_zone = ${zone} WHERE id = ${agent.id}`;
  return say(ctx.locale, 'timezone.set', { zone: code(zone) });
}

/** A refusal found midway: the transaction is rolled back and the words are the answer. */
class Refused extends Error {
  constructor(readonly text: Rich) {
    super('refused');
  }
}
