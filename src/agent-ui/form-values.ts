import type { FormValues } from '../core/ports.js';

/** A text or single choice as written, trimmed; undefined when empty (or not a single value). */
export function textOf(values: FormValues, id: string): string | undefined {
  const v = values[id];
  return typeof v === 'string' ? v.trim() || undefined : undefined;
}

/** The checked options of a multi-choice field. */
export function choicesOf(values: FormValues, id: string): Set<string> {
  const v = values[id];
  return new Set(Array.isArray(v) ? v : []);
}

/** The non-empty lines of a long text, trimmed, in order. */
export function linesOf(values: FormValues, id: string): string[] {
  const v = values[id];
  return (typeof v === 'string' ? v : '').split('\n').map((l) => l.trim()).filter(Boolean);
}
