import { rich, type Rich, type RichValue, type Span } from '../core/rich-text.js';

/**
 * The catalogues' own small markup, CommonMark-like so translators know it: `**strong**`,
 * `_em_`, `` `code` ``, a line starting with `> ` is a quote, and `{name}` is a placeholder.
 * A template is parsed once; placeholders are then filled with values that are never parsed
 * (a string is words, whatever it holds; a span is inserted as a node), which is what keeps
 * a customer's `<!channel>` or `**` from becoming markup on any platform.
 */
type Node =
  | { text: string }
  | { slot: string }
  | { strong: Node[] }
  | { em: Node[] }
  | { code: Node[] }
  | { quote: Node[] };

const parsed = new Map<string, Node[]>();

export function fill(template: string, vars: Record<string, RichValue>): Rich {
  let nodes = parsed.get(template);
  if (!nodes) {
    nodes = parseTemplate(template);
    parsed.set(template, nodes);
  }
  return merge(nodes.flatMap((n) => build(n, vars)));
}

function parseTemplate(template: string): Node[] {
  const out: Node[] = [];
  template.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ text: '\n' });
    if (line.startsWith('> ')) out.push({ quote: parseInline(line.slice(2)) });
    else out.push(...parseInline(line));
  });
  return out;
}

const WORD = /[\p{L}\p{N}]/u;

function parseInline(s: string): Node[] {
  const out: Node[] = [];
  let plainText = '';
  const flush = (): void => {
    if (plainText) out.push({ text: plainText });
    plainText = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ code: slotsOnly(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (s.startsWith('**', i)) {
      const end = s.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ strong: parseInline(s.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    } else if (c === '_' && !WORD.test(s[i - 1] ?? ' ') && s[i + 1] && s[i + 1] !== ' ') {
      const end = closingUnderscore(s, i + 1);
      if (end > 0) {
        flush();
        out.push({ em: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (c === '{') {
      const m = /^\{(\w+)\}/.exec(s.slice(i));
      if (m) {
        flush();
        out.push({ slot: m[1]! });
        i += m[0].length;
        continue;
      }
    }
    plainText += c;
    i++;
  }
  flush();
  return out;
}

/** A closing `_`: not after a space, and not followed by a letter or digit (`snake_case` stays). */
function closingUnderscore(s: string, from: number): number {
  for (let j = from + 1; j < s.length; j++) {
    if (s[j] === '_' && s[j - 1] !== ' ' && !WORD.test(s[j + 1] ?? ' ')) return j;
  }
  return -1;
}

function slotsOnly(s: string): Node[] {
  return s.split(/(\{\w+\})/).filter(Boolean).map((part) => (/^\{\w+\}$/.test(part) ? { slot: part.slice(1, -1) } : { text: part }));
}

function build(n: Node, vars: Record<string, RichValue>): Span[] {
  if ('text' in n) return [{ text: n.text }];
  // An unknown placeholder stays visible, as `t` leaves it.
  if ('slot' in n) return n.slot in vars ? rich(vars[n.slot]!) : [{ text: `{${n.slot}}` }];
  if ('strong' in n) return [{ strong: merge(n.strong.flatMap((x) => build(x, vars))) }];
  if ('em' in n) return [{ em: merge(n.em.flatMap((x) => build(x, vars))) }];
  if ('quote' in n) return [{ quote: merge(n.quote.flatMap((x) => build(x, vars))) }];
  // Code holds words only: a span given for a slot inside code is shown as its words.
  return [{ code: n.code.map((x) => ('text' in x ? x.text : 'slot' in x ? codeWords(x.slot, vars) : '')).join('') }];
}

function codeWords(slot: string, vars: Record<string, RichValue>): string {
  if (!(slot in vars)) return `{${slot}}`;
  const v = vars[slot]!;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : rich(v).map((s) => ('text' in s ? s.text : 'code' in s ? s.code : '')).join('');
}

/** Adjacent text nodes become one (smaller payloads, simpler rendering). */
function merge(spans: Span[]): Rich {
  const out: Rich = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && 'text' in last && 'text' in s) out[out.length - 1] = { text: last.text + s.text };
    else if (!('text' in s) || s.text !== '') out.push(s);
  }
  return out;
}
