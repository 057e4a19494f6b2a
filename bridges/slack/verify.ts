import { verifySlackRequest } from '@slack/bolt';

/** Slack rejects requests older than five minutes; we also refuse ones from the future. */
const WINDOW_SECONDS = 5 * 60;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class SlackSignatureError extends Error {
  constructor(reason: string) {
    super(`Slack signature rejected: ${reason}`);
    this.name = 'SlackSignatureError';
  }
}

/**
 * Verifies `X-Slack-Signature` (v0, HMAC-SHA256 of `v0:{timestamp}:{body}`) with bolt's own
 * verifier, over the body exactly as received: the bytes are decoded strictly, so a body that
 * is not valid UTF-8 (which no re-encoding could reproduce byte for byte) is refused.
 * `nowMs` is injectable so tests can pin the clock to Slack's documented example.
 */
export function assertSlackSignature(
  raw: Buffer,
  headers: { signature: string | undefined; timestamp: string | undefined },
  signingSecret: string,
  nowMs: number = Date.now(),
): void {
  if (!headers.signature || !headers.timestamp) throw new SlackSignatureError('missing signature headers');
  // Digits only: the signed base string uses the header as sent, and Number() would accept
  // "1531420618.0" or " 1531420618" and sign a different string than Slack did.
  if (!/^\d{1,12}$/.test(headers.timestamp)) throw new SlackSignatureError('malformed timestamp');
  const ts = Number(headers.timestamp);
  if (ts > Math.floor(nowMs / 1000) + WINDOW_SECONDS) throw new SlackSignatureError('timestamp in the future');
  let body: string;
  try {
    body = utf8.decode(raw);
  } catch {
    throw new SlackSignatureError('body is not UTF-8');
  }
  try {
    verifySlackRequest({
      signingSecret,
      body,
      headers: { 'x-slack-signature': headers.signature, 'x-slack-request-timestamp': ts },
      nowMilliseconds: nowMs,
    });
  } catch (err) {
    throw new SlackSignatureError((err as Error).message);
  }
}

export function isValidSlackSignature(
  raw: Buffer,
  headers: { signature: string | undefined; timestamp: string | undefined },
  signingSecret: string,
  nowMs?: number,
): boolean {
  try {
    assertSlackSignature(raw, headers, signingSecret, nowMs);
    return true;
  } catch {
    return false;
  }
}
