import { createHmac, timingSafeEqual } from 'node:crypto';

export class SignatureError extends Error {
  constructor(reason: string) {
    super(`Meta signature rejected: ${reason}`);
    this.name = 'SignatureError';
  }
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body bytes with the app
 * secret. Meta escapes non-ASCII as \uXXXX before signing, so the bytes are verified exactly
 * as received, never a re-serialised object. Throws a SignatureError saying what was wrong.
 */
export function assertMetaSignature(raw: Buffer, header: string | undefined, appSecret: string): void {
  if (!appSecret) throw new SignatureError('no app secret configured');
  if (!header) throw new SignatureError('missing X-Hub-Signature-256');
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) throw new SignatureError('malformed X-Hub-Signature-256');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  const given = Buffer.from(match[1]!, 'hex');
  if (!timingSafeEqual(expected, given)) throw new SignatureError('signature mismatch');
}

export function isValidMetaSignature(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  try {
    assertMetaSignature(raw, header, appSecret);
    return true;
  } catch {
    return false;
  }
}
