/**
 * `p`, or a rejection once `ms` have passed without it settling (`${what} took longer than ms`).
 * The timer never keeps the process alive and is cleared when `p` settles. A caller that would
 * rather have a fallback adds `.catch(() => fallback)`.
 */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
