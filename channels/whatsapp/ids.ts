/**
 * The only place that builds WhatsApp keys. Dedupe: a message by its wamid; a status by
 * (wamid, status), because one message legitimately gets sent, delivered and read.
 */
export const messageDedupeKey = (wamid: string) => `wa:m:${wamid}`;
export const statusDedupeKey = (wamid: string, status: string) => `wa:s:${wamid}:${status}`;

/** An edit's or revoke's own id when it would otherwise be the same as its target's. */
export const revisionId = (wamid: string, type: string) => `${wamid}:${type}`;

/** One customer on one business number: events with this key are handled one at a time, in order. */
export const orderingKey = (phoneNumberId: string, waId: string) => `wa:${phoneNumberId}:${waId}`;

/** `timestamp` is unix seconds as a string. */
export function isoFromUnixSeconds(ts: string | number | undefined): string {
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : new Date().toISOString();
}

/**
 * A business-scoped user id (BSUID): a two-letter country code, a dot, up to 128 alphanumerics
 * (`BR.1502576394655843`), or a parent BSUID with `ENT` in between (`US.ENT.1181…`). A phone
 * number (wa_id) is digits only, so the two never look alike.
 */
export function isBusinessScopedId(id: string): boolean {
  return /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/.test(id);
}
