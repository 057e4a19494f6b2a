import type { Redis } from 'ioredis';
import type { AgentProfile } from '../../src/core/ports.js';
import { interactionTokenTtlMs } from './capabilities.js';

/** How long a member's name as the gateway showed it is trusted before asking REST again. */
const PROFILE_TTL_MS = 10 * 60_000;

/**
 * What the gateway tells the inbound side that outbound calls need later, possibly in another
 * process (a worker): the token of a person's latest button press in a post (Discord lets a bot
 * whisper only in answer to an interaction, for 15 minutes), and a member's name as the server
 * shows it (every message and interaction carries it). Kept in Redis with their lifetimes.
 */
export class GatewayFacts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]) {
    return `${this.prefix}:discord:${parts.join(':')}`;
  }

  async rememberInteraction(threadId: string, userId: string, interaction: { applicationId: string; token: string }): Promise<void> {
    const value = JSON.stringify(interaction);
    await this.redis.multi().set(this.key('itok', threadId, userId), value, 'PX', interactionTokenTtlMs).set(this.key('itok-last', userId), value, 'PX', interactionTokenTtlMs).exec();
  }

  /**
   * The person's open interaction in this post, while its token still lives; else their latest
   * anywhere: a refusal of a press on a card left behind (a post the ticket was transferred out
   * of) answers that press, where the person is, though the ticket now lives in another post.
   */
  async openInteraction(threadId: string, userId: string): Promise<{ applicationId: string; token: string } | undefined> {
    const raw = (await this.redis.get(this.key('itok', threadId, userId))) ?? (await this.redis.get(this.key('itok-last', userId)));
    return raw ? (JSON.parse(raw) as { applicationId: string; token: string }) : undefined;
  }

  /** An outbound attempt as it begins (find-post.ts), until it settles or `ttlMs` passes. */
  async rememberAttempt(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key('attempt', key), value, 'PX', ttlMs);
  }

  async attempt(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.key('attempt', key))) ?? undefined;
  }

  async forgetAttempt(key: string): Promise<void> {
    await this.redis.del(this.key('attempt', key));
  }

  async rememberProfile(userId: string, profile: AgentProfile): Promise<void> {
    await this.redis.set(this.key('member', userId), JSON.stringify(profile), 'PX', PROFILE_TTL_MS);
  }

  async profile(userId: string): Promise<AgentProfile | undefined> {
    const raw = await this.redis.get(this.key('member', userId));
    return raw ? (JSON.parse(raw) as AgentProfile) : undefined;
  }
}

/** Discord permission bits that make a member a server admin for Ponte: Administrator, Manage Server. */
const ADMIN_BITS = (1n << 3n) | (1n << 5n);

export function isServerAdmin(permissions: string | null | undefined): boolean {
  try {
    return permissions ? (BigInt(permissions) & ADMIN_BITS) !== 0n : false;
  } catch {
    return false;
  }
}

/** The name as the server shows it: server nickname, else display name, else username. */
export function shownName(m: { nick?: string | null; globalName?: string | null; username?: string | null }, fallback: string): string {
  return m.nick || m.globalName || m.username || fallback;
}
