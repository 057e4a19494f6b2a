import { timingSafeEqual } from 'node:crypto';

/**
 * Meta's subscription handshake: `hub.mode=subscribe` with our verify token → echo
 * `hub.challenge`. Returns the challenge to send, or null for a 403.
 */
export function answerHandshake(query: Record<string, unknown>, verifyToken: string | undefined): string | null {
  if (!verifyToken) return null;
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
  const given = Buffer.from(token);
  const expected = Buffer.from(verifyToken);
  return given.length === expected.length && timingSafeEqual(given, expected) ? challenge : null;
}
