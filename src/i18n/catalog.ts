/**
 * Every agent-facing text and every default customer-facing message, in en and pt-BR.
 * Variables are written {name}; `t` fills them and leaves unknown ones visible.
 */

import { en } from './en.js';
import { ptBR } from './pt-BR.js';

export type Locale = 'en' | 'pt-BR';

export type MessageKey = keyof typeof en;

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'pt-BR': ptBR };

export function t(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = catalogs[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isLocale(value: string): value is Locale {
  return value === 'en' || value === 'pt-BR';
}
