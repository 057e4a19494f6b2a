import { ApplicationCommandOptionType as T, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { destination, flag, person, suggested, text } from './options.js';

const sub = (name: string, description: string, options: ReturnType<typeof text>[] = []) => ({ type: T.Subcommand as const, name, description, options });

/**
 * `/ticket`: the actions on the ticket whose post it is typed in, as the `!` commands are
 * written there (slash.ts turns each into that text, so the core has one code path).
 */
export const ticketCommand: RESTPostAPIChatInputApplicationCommandsJSONBody = {
  name: 'ticket',
  description: 'Act on the ticket of this post',
  contexts: [0],
  options: [
    sub('accept', 'Take this ticket'),
    sub('return', 'Give it back to the queue'),
    sub('transfer', 'Move it to a department or a person', [
      suggested('department', 'A department'),
      destination('channel', 'A department’s forum or channel'),
      person('person', 'A person'),
      text('reason', 'Why (posted in the post)'),
      flag('confirm', 'Transfer to a person who is not in its department'),
    ]),
    sub('resolve', 'Resolve it, now or later', [
      text('in', 'Later: e.g. 30m, 2h, 1d'),
      flag('silent', 'Send no farewell'),
      flag('keep-on-reply', 'With in: keep the schedule if the customer replies'),
      text('reason', 'Why'),
      flag('cancel', 'Cancel a scheduled resolve'),
    ]),
    sub('note', 'An internal note (never sent to the customer)', [text('text', 'The note', true)]),
    sub('tag', 'Tag the ticket, or remove a tag', [text('tags', 'One or more tags', true), flag('remove', 'Remove these tags')]),
    sub('schedule', 'Send a message to the customer later', [text('in', 'When: e.g. 2h, tomorrow 9:00, 24/12 10:00', true), text('text', 'The message, or: template <name> [params]', true)]),
    sub('template', 'Send an approved template (the reply window has closed)', [suggested('template', 'The template', true), text('params', 'Its parameters, in order')]),
    sub('contact', 'The customer’s contact details; or change them', [text('change', 'e.g. name Carla Dias, email c@example.com, note VIP, tag vip')]),
    sub('comment', 'Comments on the customer: list them, or add, edit, delete', [text('text', 'e.g. VIP customer; here <text> (this conversation only); edit 3 <text>; delete 3')]),
    sub('history', 'The customer’s earlier tickets, linked'),
    sub('transcript', 'This conversation as a file', [text('protocol', 'An earlier ticket of this customer', false, 40), flag('html', 'As HTML (else text)')]),
  ],
};
