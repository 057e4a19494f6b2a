/**
 * Every agent-facing text and every default customer-facing message, in en and pt-BR.
 * Variables are written {name}. `say` gives agent-facing texts as neutral rich text (the
 * catalogues' markup parsed, values inserted as words or spans, never parsed); `t` gives plain
 * strings, for texts that are plain by nature (labels, default messages to customers).
 */

import { en } from './en.js';
import { ptBR } from './pt-BR.js';
import { fill } from './markup.js';
import type { Rich, RichValue } from '../core/rich-text.js';

export type Locale = 'en' | 'pt-BR';

export type MessageKey = keyof typeof en;

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'pt-BR': ptBR };

export function t(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = catalogs[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** An agent-facing text: the template's markup as spans, `{placeholders}` filled with values. */
export function say(locale: Locale, key: MessageKey, vars: Record<string, RichValue> = {}): Rich {
  return fill(catalogs[locale][key], vars);
}

export function isLocale(value: string): value is Locale {
  return value === 'en' || value === 'pt-BR';
}
