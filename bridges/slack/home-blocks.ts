import type { HomeView, TicketSummary } from '../../src/core/ports.js';
import { isLocale, t, type Locale } from '../../src/i18n/catalog.js';
import { homeListControls } from '../../src/agent-ui/card-controls.js';
import { controlElement } from './render-controls.js';
import { escapeForSlack } from './mrkdwn.js';

/** Slack allows 100 blocks in a home view; two lists of 20 with headers stay well inside. */
export function homeView(home: HomeView): { type: 'home'; blocks: unknown[] } {
  const locale: Locale = isLocale(home.locale) ? home.locale : 'en';
  const line = (s: TicketSummary) =>
    `*${escapeForSlack(s.customer)}* · \`${s.protocol}\` · ${escapeForSlack(s.department)}${s.thread ? ` · <#${s.thread.containerId}>` : ''}`;
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: t(locale, 'home.mine') } }];
  if (home.mine.length === 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'home.mine_empty') }] });
  for (const s of home.mine) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line(s) } });
  blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: t(locale, 'home.waiting', { count: home.waiting.length }) } });
  if (home.waiting.length === 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'home.waiting_empty') }] });
  // A section holds one accessory: the first of the list's controls (Accept).
  const [control] = homeListControls('waiting', locale);
  const accessory = (ticketId: string) => (control ? { accessory: controlElement(control, ticketId, { emoji: false }) } : {});
  for (const s of home.waiting) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: line(s) },
      ...accessory(s.ticketId),
    });
  }
  return { type: 'home', blocks };
}
