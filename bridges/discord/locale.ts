import type { Locale } from '../../src/i18n/catalog.js';

/** Private answers in the person's Discord language when Ponte has it (pt-BR, en-*), else the workspace's. */
export function localeOf(discordLocale: string | undefined, fallback: Locale): Locale {
  if (discordLocale === 'pt-BR') return 'pt-BR';
  if (discordLocale?.startsWith('en')) return 'en';
  return fallback;
}
