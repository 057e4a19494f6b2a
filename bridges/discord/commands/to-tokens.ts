import type { CommandToken } from '../../../src/admin/tokens.js';

/** An option as an interaction carries it (API v10): a subcommand holds its own options. */
export interface RawOption { name: string; type: number; value?: string | number | boolean; focused?: boolean; options?: RawOption[] }

const SUBCOMMAND = 1;
const BOOLEAN = 5;
const USER = 6;
const CHANNEL = 7;

/** Options whose whole value is one name (a department may have spaces); others are words. */
const WHOLE = new Set(['department']);
/**
 * Options the core reads as `name=value`, by subcommand: `connect`'s account settings and
 * `tickets`' filters (elsewhere an option of the same name is a plain word: `scheduled`'s number).
 */
const KEYED: Record<string, ReadonlySet<string>> = {
  connect: new Set(['waba', 'token']),
  tickets: new Set(['number', 'tag', 'campaign', 'page']),
};

/** The subcommand and its options, in the order the definition gives them. */
export function subcommandOf(options: RawOption[] | undefined): { name: string; options: RawOption[] } | undefined {
  const sub = options?.find((o) => o.type === SUBCOMMAND);
  return sub ? { name: sub.name, options: sub.options ?? [] } : undefined;
}

/**
 * A `/ponte <sub>` interaction → the core's tokens and the plain text after `/ponte`, as the
 * Slack bridge makes them from typed text: channel and user pickers become ids, a boolean
 * becomes its word when true (`oldest`), `waba`/`token` become `name=value`, free text words.
 */
export function toCommand(sub: string, options: RawOption[]): { tokens: CommandToken[]; text: string } {
  const tokens: CommandToken[] = [{ type: 'word', value: sub }];
  const text: string[] = [sub];
  for (const o of options) {
    const v = o.value;
    if (v === undefined || v === '') continue;
    if (o.type === CHANNEL) {
      tokens.push({ type: 'channel', id: String(v) });
      text.push(`#${String(v)}`);
    } else if (o.type === USER) {
      tokens.push({ type: 'user', id: String(v) });
      text.push(`@${String(v)}`);
    } else if (o.type === BOOLEAN) {
      if (v === true) {
        tokens.push({ type: 'word', value: o.name });
        text.push(o.name);
      }
    } else if (KEYED[sub]?.has(o.name)) {
      tokens.push({ type: 'word', value: `${o.name}=${String(v)}` });
      text.push(`${o.name}=${String(v)}`);
    } else if (WHOLE.has(o.name)) {
      tokens.push({ type: 'word', value: String(v).trim() });
      text.push(String(v).trim());
    } else {
      tokens.push(...String(v).trim().split(/\s+/).filter(Boolean).map((w): CommandToken => ({ type: 'word', value: w })));
      text.push(String(v));
    }
  }
  return { tokens, text: text.join(' ') };
}

/**
 * A `/ticket <sub>` interaction → the `!` command an agent would write in the post, and the
 * people and channels it names (as mentions are carried beside a message's text).
 */
export function toThreadCommand(sub: string, options: RawOption[]): { text: string; mentions: { channels: string[]; users: string[] } } {
  const get = (name: string) => options.find((o) => o.name === name)?.value;
  const str = (name: string) => (get(name) === undefined ? '' : String(get(name)).trim());
  const on = (name: string) => get(name) === true;
  const channels = options.filter((o) => o.type === CHANNEL).map((o) => String(o.value));
  const users = options.filter((o) => o.type === USER).map((o) => String(o.value));
  const words = (...parts: string[]) => parts.filter(Boolean).join(' ');
  let text: string;
  switch (sub) {
    case 'transfer':
      text = words('!transfer', channels[0] ? `<#${channels[0]}>` : users[0] ? `<@${users[0]}>` : str('department'), str('reason'), on('confirm') ? 'confirm' : '');
      break;
    case 'resolve':
      text = on('cancel') ? '!resolve cancel' : words('!resolve', on('silent') ? 'silent' : '', str('in') ? `in ${str('in')}` : '', on('keep-on-reply') ? 'keep-on-reply' : '', str('reason'));
      break;
    case 'tag':
      text = words(on('remove') ? '!untag' : '!tag', str('tags'));
      break;
    case 'schedule':
      // A bare delay (`2h`) is `in 2h`; a date or time (`tomorrow 9:00`, `24/12 10:00`) as written.
      text = words('!schedule', /^\d+[smhd]$/i.test(str('in')) ? `in ${str('in')}` : str('in'), str('text'));
      break;
    case 'template':
      text = words('!template', str('template'), str('params'));
      break;
    case 'contact':
      text = words('!contact', str('change'));
      break;
    case 'comment':
      text = words('!comment', str('text'));
      break;
    case 'transcript':
      text = words('!transcript', str('protocol'), on('html') ? 'html' : '');
      break;
    default:
      text = `!${sub}`;
  }
  return { text, mentions: { channels, users } };
}

/** The option being typed in an autocomplete interaction, with what has been typed so far. */
export function focusedOption(options: RawOption[] | undefined): { name: string; value: string } | undefined {
  for (const o of options ?? []) {
    if (o.focused) return { name: o.name, value: String(o.value ?? '') };
    const inner = focusedOption(o.options);
    if (inner) return inner;
  }
  return undefined;
}
