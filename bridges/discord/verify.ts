import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The DER prefix that makes a raw 32-byte Ed25519 public key an SPKI key node:crypto reads. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** DISCORD_PUBLIC_KEY (the Developer Portal's "Public Key", 64 hex characters) as a key object. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('DISCORD_PUBLIC_KEY must be the 64 hex characters of the Developer Portal’s Public Key');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/**
 * Discord signs each HTTP interaction: `X-Signature-Ed25519` is the Ed25519 signature (hex) of
 * `X-Signature-Timestamp` followed by the raw body. Ed25519 verification takes the same time
 * whatever the signature holds (no early exit on a mismatching byte), so nothing leaks.
 */
export function isValidDiscordSignature(raw: Buffer, headers: { signature?: string; timestamp?: string }, key: KeyObject): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]), key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}
