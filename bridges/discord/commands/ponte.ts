import { ApplicationCommandOptionType as T, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { choice, destination, flag, person, suggested, text } from './options.js';

const sub = (name: string, description: string, options: ReturnType<typeof text>[] = []) => ({ type: T.Subcommand as const, name, description, options });

/**
 * `/ponte`: the same subcommands as the core's `runCommand` (src/admin/commands.ts), with typed
 * options. Discord grants a command, not a subcommand, to roles: `/ponte` stays open to every
 * member (agents list tickets, search, set their signature) and the core refuses a non-admin's
 * configuration changes in words, as on every platform.
 */
export const ponteCommand: RESTPostAPIChatInputApplicationCommandsJSONBody = {
  name: 'ponte',
  description: 'Ponte: tickets, connections and settings',
  contexts: [0],
  options: [
    sub('help', 'What Ponte can do'),
    sub('status', 'Connections, queues and unrouted traffic'),
    // Discord takes 25 subcommands: `disconnect` is `connect`'s flag (`connect … disconnect` = `disconnect …`).
    sub('connect', 'Route a WhatsApp number, Facebook page or Instagram account to a forum or channel (admins)', [
      choice('kind', 'Which customer channel', ['whatsapp', 'messenger', 'instagram'], true),
      text('account', 'The phone number id, page id or Instagram account id', true, 20),
      destination('channel', 'Where its tickets open (default: here)'),
      text('waba', 'WhatsApp Business Account id (templates)', false, 20),
      text('token', 'This account’s own access token (stored encrypted)'),
      flag('disconnect', 'Disconnect it instead: it stops opening tickets (connect again restores it)'),
    ]),
    sub('tickets', 'Find work', [
      choice('filter', 'Which tickets (inbox: nobody’s or my departments’; open: in service)', ['pending', 'inbox', 'open', 'mine', 'all']),
      choice('sort', 'Order: by latest or earliest message, newest or oldest opening', ['latest', 'earliest', 'newest', 'oldest']),
      suggested('department', 'Only this department'),
      person('agent', 'Only this agent’s'),
      choice('channel', 'Only this customer channel', ['whatsapp', 'messenger', 'instagram']),
      text('number', 'Only this connection (its account id)', false, 40),
      text('tag', 'Only tickets with this tag', false, 32),
      text('campaign', 'Only customers from this ad (source id or headline words)', false, 100),
      { type: T.Integer, name: 'page', description: 'Page (10 a page)', required: false, min_value: 1 },
      flag('oldest', 'Oldest opening first'),
    ]),
    sub('transcript', 'Post a ticket’s transcript in its thread when it is resolved (admins)', [
      choice('action', 'On or off', ['on', 'off'], true),
      flag('html', 'As an HTML file (else text)'),
    ]),
    sub('search', 'Find a ticket by name, phone or protocol', [text('query', 'Name, phone or protocol', true)]),
    sub('templates', 'WhatsApp’s approved templates', [choice('action', 'List them, or sync them from Meta (admins)', ['list', 'sync'], true)]),
    sub('new', 'Start a WhatsApp conversation with a template', [
      text('phone', 'The customer’s phone, with country code', true, 20),
      suggested('template', 'An approved template', true),
      text('params', 'The template’s parameters, in order'),
    ]),
    sub('schedule', 'Schedule a message to a contact, with or without an open ticket', [
      text('contact', 'Their phone with country code, or their name', true),
      text('when', 'e.g. in 2h, tomorrow 9:00, mon 9:00, 24/12 10:00', true),
      text('text', 'The message, or: template <name> [params]', true),
    ]),
    sub('scheduled', 'Scheduled messages: list (yours or all), edit or cancel one', [
      choice('action', 'What to do', ['mine', 'all', 'edit', 'cancel']),
      text('number', 'The message’s number (edit, cancel)', false, 20),
      text('change', 'edit: text <new text> | time <when> | template <name> [params] | to <phone|name>'),
    ]),
    sub('timezone', 'The time zone your scheduled times are read and shown in', [text('zone', 'e.g. America/Sao_Paulo, or default')]),
    sub('message', 'What customers get when a ticket opens, is accepted, transferred or resolved (admins)', [
      choice('kind', 'Which message', ['greeting', 'away', 'accept', 'transfer', 'farewell'], true),
      text('text', 'The text, or off, or default'),
    ]),
    sub('hours', 'Business hours for the away message (admins change them)', [text('hours', 'e.g. mon-fri 09:00-18:00 America/Sao_Paulo, or off')]),
    sub('quickreply', 'Quick replies, sent with !!shortcut in a post', [
      choice('action', 'What to do', ['list', 'add', 'remove'], true),
      suggested('shortcut', 'The shortcut'),
      text('text', 'What it sends (add)'),
    ]),
    // The department menu rides here (`menu`): Discord allows 25 subcommands, and /ponte has them all.
    sub('department', 'Departments: forums, routing, quiet, inactivity, new customers’ menu (admins change them)', [
      choice('action', 'What to do', ['list', 'add', 'remove', 'routing', 'quiet', 'inactivity', 'windowclose', 'menu'], true),
      suggested('department', 'The department’s name'),
      destination('channel', 'Where its tickets open (add; default: here)'),
      text('value', 'routing rule; quiet minutes; inactivity 4h 2h|off; windowclose on|off; menu <account> on|off|…', false, 300),
      text('text', 'inactivity: the warning the customer gets (default: Ponte’s own)'),
    ]),
    sub('away', 'Away or back: automatic routing skips agents who are away', [choice('state', 'Away (on) or back (off)', ['on', 'off'], true)]),
    sub('agent', 'Who works in which department (admins change it)', [
      choice('action', 'What to do', ['list', 'add', 'remove'], true),
      person('person', 'The agent'),
      suggested('department', 'The department (default: the default one)'),
    ]),
    sub('admin', 'Ponte admins (admins)', [choice('action', 'What to do', ['list', 'add', 'remove'], true), person('person', 'Who')]),
    sub('mode', 'Reply mode: explicit (!r replies) or open (admins change it)', [choice('mode', 'The mode', ['explicit', 'open'])]),
    sub('signature', 'Sign your replies or not; admins: format and lock', [
      choice('setting', 'What to set', ['on', 'off', 'format', 'lock'], true),
      text('value', 'format: a template with {name}; lock: on or off'),
    ]),
    sub('farewell', 'Your own farewell message when you resolve', [text('text', 'The text, or off', true)]),
    sub('retry', 'Re-queue failed deliveries to Discord (admins)'),
    sub('close', 'What resolving a ticket asks for: close reasons and contact fields (admins)', [
      choice('what', 'Reasons or fields (empty: show them)', ['reason', 'field']),
      text('action', 'reason: add or remove; field: the contact field’s name'),
      text('value', 'reason: [department:] the reason; field: required, optional or off'),
    ]),
    sub('survey', 'The satisfaction survey sent when a ticket is resolved (admins)', [choice('state', 'On or off (empty: show it)', ['on', 'off']), text('question', 'Your own question (on)')]),
    // Discord takes 25 subcommands: the audit export rides on `report` (`report audit` = `export audit`).
    sub('report', 'Customer satisfaction, or the audit log as CSV (admins)', [
      choice('report', 'Which report', ['csat', 'audit'], true),
      choice('period', 'The period (default 7d; all: audit only)', ['7d', '30d', 'month', 'all']),
    ]),
  ],
};
