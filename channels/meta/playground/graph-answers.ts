import { randomBytes } from 'node:crypto';

/** An answer of the emulated Graph API: a status and a JSON body (bytes for downloads). */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Graph's error envelope: `{error:{message, type, code, error_subcode?, error_data?, fbtrace_id}}`. */
export function graphError(status: number, message: string, code: number, type = 'OAuthException', extra: Json = {}): Answer {
  return { status, body: { error: { message, type, code, ...extra, fbtrace_id: randomBytes(9).toString('base64url') } } };
}

/** Code 100 with the details Graph gives for a bad parameter. */
export function invalid(details: string, product?: 'whatsapp'): Answer {
  return graphError(400, '(#100) Invalid parameter', 100, 'OAuthException', { error_data: product ? { messaging_product: product, details } : { details } });
}

export function unknownObject(id: string, verb: string): Answer {
  return graphError(400, `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 'GraphMethodException', { error_subcode: 33 });
}

export const ok = (body: unknown): Answer => ({ status: 200, body });
