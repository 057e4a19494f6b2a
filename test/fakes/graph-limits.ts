// Meta's per-number throughput for the fake Graph: WhatsApp Cloud API numbers take 80 messages a
// second by default (platform-notes.md, "Throughput"); past that a send is refused with code
// 130429 "Rate limit hit", HTTP 400, and the message is not sent. Off unless a test or the bench
// turns it on.

/** Admits at most `perSecond` sends per phone number id in any one-second window. */
export class NumberThroughput {
  private perSecond: number | null = null;
  private readonly admitted = new Map<string, number[]>();
  /** Sends refused by the limit, per phone number id. */
  readonly refused = new Map<string, number>();

  set(perSecond: number | null): void {
    this.perSecond = perSecond;
    this.admitted.clear();
  }

  /** Whether a send from `phoneNumberId` may go now (and it is counted if so). */
  admit(phoneNumberId: string, now = Date.now()): boolean {
    if (this.perSecond === null) return true;
    const recent = (this.admitted.get(phoneNumberId) ?? []).filter((at) => at > now - 1000);
    if (recent.length >= this.perSecond) {
      this.admitted.set(phoneNumberId, recent);
      this.refused.set(phoneNumberId, (this.refused.get(phoneNumberId) ?? 0) + 1);
      return false;
    }
    recent.push(now);
    this.admitted.set(phoneNumberId, recent);
    return true;
  }
}

/** Graph's answer to a send over the number's throughput (WhatsApp Cloud API error codes). */
export const THROUGHPUT_ERROR = {
  status: 400,
  error: {
    message: '(#130429) Rate limit hit',
    type: 'OAuthException',
    code: 130429,
    error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
  },
} as const;
