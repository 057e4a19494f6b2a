import type { en } from './en.js';
import { ui } from './pt-BR/ui.js';
import { thread } from './pt-BR/thread.js';
import { admin } from './pt-BR/admin.js';

/** Brazilian Portuguese: every key of the English catalogue (the type makes a missing one an error). */
export const ptBR: Record<keyof typeof en, string> = { ...ui, ...thread, ...admin };
