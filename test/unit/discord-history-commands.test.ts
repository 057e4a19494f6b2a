// Discord's `/ticket comment|history|transcript` become the `!` commands an agent would write.
import { describe, expect, it } from 'vitest';
import { toThreadCommand } from '../../bridges/discord/commands/to-tokens.js';
import { ticketCommand } from '../../bridges/discord/commands/ticket.js';

describe('/ticket history, transcript and comment', () => {
  it('are declared', () => {
    expect((ticketCommand.options ?? []).map((o) => o.name)).toEqual(expect.arrayContaining(['comment', 'history', 'transcript']));
  });
  it('become !history, !transcript [protocol] [html] and !comment <text>', () => {
    expect(toThreadCommand('history', []).text).toBe('!history');
    expect(toThreadCommand('transcript', [{ name: 'protocol', type: 3, value: '20261201-000001' }, { name: 'html', type: 5, value: true }]).text).toBe('!transcript 20261201-000001 html');
    expect(toThreadCommand('transcript', []).text).toBe('!transcript');
    expect(toThreadCommand('comment', [{ name: 'text', type: 3, value: 'here aguardando boleto' }]).text).toBe('!comment here aguardando boleto');
    expect(toThreadCommand('comment', []).text).toBe('!comment');
  });
});
