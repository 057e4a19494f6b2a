import { joinRich, rich, type Rich } from '../core/rich-text.js';
import * as audit from '../audit/repository.js';
import type { Sql } from '../db/connect.js';
import { getMessageText, setMessageText, MESSAGE_KINDS, type MessageKind } from '../settings/repository.js';
import { say, t, type Locale } from '../i18n/catalog.js';

/**
 * `/ponte message [<accept|farewell> <text|off>]`: the texts customers get when their ticket is
 * accepted or resolved. `text` is the command's free text with the platform's markup already
 * undone by the bridge, so it is stored exactly as the customer will read it.
 */
export async function messageCommand(sql: Sql, locale: Locale, actor: string, text: string): Promise<Rich> {
  const match = /^\s*(\S+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) return current(sql, locale);
  const kind = match[1]!.toLowerCase();
  const value = (match[2] ?? '').trim();
  if (!MESSAGE_KINDS.includes(kind as MessageKind) || !value) return say(locale, 'message.usage');
  // `default`: Ponte's own text for this kind, in the workspace's language (stored as text, so
  // an admin can see and edit exactly what customers get).
  const chosen = value.toLowerCase() === 'default' ? t(locale, `default.${kind as MessageKind}`) : value;
  if (value.toLowerCase() === 'off') {
    await setMessageText(sql, kind as MessageKind, null, actor);
    await audit.record(sql, actor, 'message', { kind, text: null });
    return say(locale, 'message.cleared', { kind });
  }
  await setMessageText(sql, kind as MessageKind, chosen, actor);
  await audit.record(sql, actor, 'message', { kind, text: chosen });
  return say(locale, 'message.set', { kind, text: chosen });
}

async function current(sql: Sql, locale: Locale): Promise<Rich> {
  const none = say(locale, 'message.none');
  const lines: Rich[] = [say(locale, 'message.current')];
  for (const kind of MESSAGE_KINDS) {
    const text = await getMessageText(sql, kind);
    lines.push(rich(`• ${kind}: `, text ? `“${text}”` : none));
  }
  return joinRich(lines, '\n');
}

