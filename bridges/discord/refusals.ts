import { DeliveryError } from '../../src/core/errors.js';

/** After Discord refuses the bot token, how long nothing more is asked of it. */
const QUIET_MS = 60_000;

/**
 * Discord bans an IP (Cloudflare) after 10,000 invalid requests (401, 403, 429) in 10 minutes. A
 * 429 is already kept from repeating: the REST client knows the bucket and refuses locally until
 * its reset (rejectOnRateLimit), and the outbox waits the Retry-After. A 401 means the token is
 * wrong for every call, so once Discord says it, each call is refused here for a minute instead
 * of asking again: at most one 401 a minute, however much work is queued.
 */
export class TokenRefusals {
  private until = 0;
  private reason = '';

  constructor(private readonly now: () => number = Date.now) {}

  /** Throws while Discord's last 401 is recent. */
  check(): void {
    if (this.now() < this.until) {
      throw new DeliveryError('auth', `${this.reason} (not asked again for a minute)`);
    }
  }

  /**
   * Notes a classified failure: a 401 about the bot token (code 0) silences calls for a while. A
   * webhook's or an expired interaction's token answers 401 with 50027: that one is not the bot's.
   */
  note(err: DeliveryError, status: number | undefined, code: number | undefined): void {
    if (status !== 401 || code !== 0) return;
    this.until = this.now() + QUIET_MS;
    this.reason = err.message;
  }
}
