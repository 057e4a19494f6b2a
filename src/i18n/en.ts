/**
 * English: the reference catalogue (its keys are the message keys), in three parts. Texts are
 * written in the catalogues' neutral markup (src/i18n/markup.ts: `**strong**`, `_em_`,
 * `` `code` ``, `> ` quote lines, `{placeholders}`), never in one chat platform's.
 */
import { ui } from './en/ui.js';
import { thread } from './en/thread.js';
import { admin } from './en/admin.js';

export const en = { ...ui, ...thread, ...admin } as const;
