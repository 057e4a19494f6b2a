/** Shows only the last four digits: cards and lists are seen by more people than the customer's agent. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length > 4 ? `•••• ${digits.slice(-4)}` : '••••';
}

/** A username as people write it (`@maria.s`), whether or not it was stored with its `@`. */
export function atHandle(username: string | null | undefined): string | undefined {
  return username ? `@${username.replace(/^@/, '')}` : undefined;
}
