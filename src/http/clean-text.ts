/**
 * Text as Postgres can store it. Platforms deliver (and sign) JSON whose strings may hold NUL
 * (`\u0000`) or lone UTF-16 surrogates (`\ud800`); Postgres refuses both in text and jsonb,
 * which would sink a whole delivery. The edge cleans them once: NUL removed, a lone surrogate
 * replaced with U+FFFD. Well-formed text, including real emoji pairs, is left as it is.
 */

// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One string, cleaned. */
export function cleanText(s: string): string {
  return s.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Parsed JSON, deep-cleaned: every string value and every object key. Other values are kept. */
export function cleanJson(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty, not assignment: a `__proto__` key stays a plain key, as JSON.parse made it.
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, cleanText(k), { value: cleanJson(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
