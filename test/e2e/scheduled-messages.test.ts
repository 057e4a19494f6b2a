// Scheduled messages, fully (issue 13), through both agent tools: at a date and time, edited and
// cancelled while they wait, failed with the reason outside the reply window, sent as a template
// to a contact without a ticket, never lost nor doubled when Redis forgets the wake-up, and not
// sent to a contact blocked after it was scheduled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWritesTo, type AgentDriver, type ThreadRef } from '../support/agent-driver.js';
import { eventually } from '../support/harness.js';
import { startSlackDriver } from '../support/slack-driver.js';
import { startDiscordDriver } from '../support/discord-driver.js';
import { wallAt } from '../../src/timers/when.js';

for (const [name, start, prefix] of [['Slack', startSlackDriver, '55119711'], ['Discord', startDiscordDriver, '55119722']] as const) {
  describe(name, () => {
    let d: AgentDriver;
    beforeAll(async () => {
      d = await start();
    });
    afterAll(async () => d?.close());

    const maria = () => d.agents[0].id;
    const textsTo = (wa: string) =>
      d.core.graph.sends().filter((c) => (c.body as { to?: string; type?: string }).to === wa && (c.body as { type?: string }).type === 'text')
        .map((c) => (c.body as { text: { body: string } }).text.body);
    const templatesTo = (wa: string) => d.core.graph.sends().filter((c) => (c.body as { to?: string; type?: string }).to === wa && (c.body as { type?: string }).type === 'template');
    const post = (thread: ThreadRef, starts: string, ms?: number) => eventually(`a post starting ${starts}`, () => d.posts(thread).find((p) => p.text.startsWith(starts))?.text, ms);
    const idIn = (text: string) => /#(\d+)/.exec(text)![1]!;
    const stateOf = async (id: string) => (await d.core.db.sql<{ state: string; failure: string | null }[]>`SELECT state, failure FROM scheduled_messages WHERE id = ${id}`)[0]!;
    /** `YYYY-MM-DD HH:MM:SS`, `ms` from now, as a wall time in UTC (the workspace's zone in these tests). */
    const wallIn = (ms: number) => {
      const w = wallAt(new Date(Date.now() + ms), 'UTC');
      const p = (v: number) => String(v).padStart(2, '0');
      return `${w.y}-${p(w.mo)}-${p(w.d)} ${p(w.h)}:${p(w.mi)}:${p(w.s)}`;
    };

    it('a message scheduled for a date and time goes then, once; the list shows it pending, then sent', async () => {
      const wa = `${prefix}01`;
      const { thread } = await customerWritesTo(d, wa, 'Fabi', 'me lembra depois');
      await d.say(thread, maria(), `!schedule ${wallIn(4000)} Oi Fabi, seu horário chegou!`);
      const set = await post(thread, '🕒 Scheduled: this message goes to the customer at');
      expect(set).toContain('(UTC)');
      const id = idIn(set);
      await d.say(thread, maria(), '!schedule list');
      await eventually('listed pending', () => d.posts(thread).some((p) => p.text.startsWith('🕒 Scheduled messages:') && p.text.includes(`#${id} · pending`)));
      expect(textsTo(wa)).toEqual([]);
      await eventually('sent', () => textsTo(wa).some((t) => t.endsWith('Oi Fabi, seu horário chegou!')), 15_000);
      await post(thread, '🕒 Sent the scheduled message: “Oi Fabi, seu horário chegou!”');
      expect((await stateOf(id)).state).toBe('sent');
      await d.core.sweep();
      await d.say(thread, maria(), '!schedule list');
      await eventually('listed sent', () => d.posts(thread).some((p) => p.text.includes(`#${id} · sent`)));
      expect(textsTo(wa).filter((t) => t.endsWith('seu horário chegou!'))).toHaveLength(1);
    });

    it('refuses a time in the past in plain words, and reads the agent’s own time zone', async () => {
      const wa = `${prefix}02`;
      const { thread } = await customerWritesTo(d, wa, 'Gil', 'oi');
      await d.say(thread, maria(), '!schedule 2020-01-01 10:00 tarde demais');
      await post(thread, 'Nothing scheduled: 2020-01-01 10:00 (UTC) has already passed.');
      expect(await d.adminCommand(maria(), 'timezone America/Sao_Paulo')).toContain('America/Sao_Paulo');
      await d.say(thread, maria(), '!schedule 2099-01-01 10:00 longe demais');
      await post(thread, 'Nothing scheduled: that is more than a year away.');
      await d.say(thread, maria(), '!schedule tomorrow 9:00 bom dia');
      expect(await post(thread, '🕒 Scheduled: this message goes')).toContain('09:00 (America/Sao_Paulo)');
      await d.adminCommand(maria(), 'timezone default');
    });

    it('edited while pending, it goes with the new text at the new time; a cancelled one never goes', async () => {
      const wa = `${prefix}03`;
      const { thread } = await customerWritesTo(d, wa, 'Hugo', 'oi');
      await d.say(thread, maria(), '!schedule in 1h primeira versão');
      const id = idIn(await post(thread, '🕒 Scheduled:'));
      await d.say(thread, maria(), '!schedule in 2s cancelada');
      const cancelled = await eventually('the second', () => d.posts(thread).filter((p) => p.text.startsWith('🕒 Scheduled:'))[1]?.text);
      const cancelledId = idIn(cancelled);
      await d.say(thread, maria(), `!schedule cancel ${cancelledId}`);
      await post(thread, `🕒 Scheduled message #${cancelledId} cancelled`);
      // Someone else may not touch Maria's.
      await d.say(thread, d.agents[1].id, `!schedule edit ${id} text não é meu`);
      await post(thread, `Nothing changed: scheduled message #${id} is someone else’s`);
      await d.say(thread, maria(), `!schedule edit ${id} text segunda versão`);
      await post(thread, `🕒 Scheduled message #${id} changed`);
      await d.say(thread, maria(), `!schedule edit ${id} time in 3s`);
      await eventually('edited twice', () => d.posts(thread).filter((p) => p.text.startsWith(`🕒 Scheduled message #${id} changed`)).length === 2);
      await eventually('the edited one sent', () => textsTo(wa).some((t) => t.endsWith('segunda versão')), 15_000);
      expect(textsTo(wa).filter((t) => t.includes('primeira versão') || t.includes('cancelada') || t.includes('não é meu'))).toEqual([]);
      expect(await stateOf(cancelledId)).toMatchObject({ state: 'cancelled' });
      await d.say(thread, maria(), `!schedule cancel ${id}`);
      await post(thread, `Nothing changed: scheduled message #${id} is no longer waiting`);
    });

    it('due outside the reply window without a template, it fails with the reason in the thread and the list', async () => {
      const wa = `${prefix}04`;
      const { thread } = await customerWritesTo(d, wa, 'Iara', 'oi');
      await d.core.db.sql`UPDATE contacts SET last_inbound_at = now() - interval '2 days' WHERE external_id = ${wa}`;
      await d.say(thread, maria(), '!schedule in 2s volta aqui?');
      const id = idIn(await post(thread, '🕒 Scheduled:'));
      const failed = await eventually('the failure', () => d.posts(thread).find((p) => p.text.startsWith(`🕒 Not sent, scheduled message #${id}`))?.text, 15_000);
      expect(failed).toContain('the customer’s reply window was closed and no template was chosen for it');
      expect(failed).toContain('volta aqui?');
      expect(await stateOf(id)).toEqual({ state: 'failed', failure: 'window_closed' });
      expect(textsTo(wa)).toEqual([]);
      const mine = await d.adminCommand(maria(), 'scheduled');
      expect(mine).toContain(`#${id} · failed (the customer’s reply window was closed`);
    });

    it('/ponte schedule to a contact with no ticket: a template goes when due and opens the ticket; without one it fails, listed with the reason', async () => {
      const [conn] = await d.core.db.sql<{ id: string }[]>`SELECT id FROM connections WHERE channel = 'whatsapp' LIMIT 1`;
      await d.core.db.sql`UPDATE connections SET business_account_id = ${`waba-${prefix}`} WHERE id = ${conn!.id}`;
      await d.core.db.sql`
        INSERT INTO templates (business_account_id, name, language, category, status, body, param_count)
        VALUES (${`waba-${prefix}`}, 'lembrete', 'pt_BR', 'UTILITY', 'APPROVED', 'Olá {{1}}, temos novidades.', 1) ON CONFLICT DO NOTHING`;
      const wa = `${prefix}05`;
      const answer = await d.adminCommand(maria(), `schedule +${wa} in 2s template lembrete Joana`);
      expect(answer).toMatch(/^🕒 Scheduled #\d+: to \d+ at .* as the template `?lembrete/);
      const id = idIn(answer);
      await eventually('the template sent', () => templatesTo(wa).length === 1, 15_000);
      const [ticket] = await d.core.db.sql<{ id: string }[]>`SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = ${wa}`;
      const thread = await eventually('its thread', () => d.threadOf(ticket!.id));
      await post(thread, '🕒 Sent the scheduled message as the template lembrete.');
      expect(await stateOf(id)).toMatchObject({ state: 'sent' });

      const other = `${prefix}06`;
      const plain = await d.adminCommand(maria(), `schedule ${other} in 2s oi, tudo bem?`);
      const plainId = idIn(plain);
      await eventually('failed', async () => (await stateOf(plainId)).state === 'failed', 15_000);
      expect(await d.adminCommand(maria(), 'scheduled')).toContain(`#${plainId} · failed (the customer’s reply window was closed`);
      expect(await d.adminCommand(d.agents[1].id, `scheduled cancel ${id}`)).toContain('no longer waiting');
      expect(await d.adminCommand(maria(), 'schedule Ninguém in 2h oi')).toContain('no contact is called Ninguém');
    });

    it('a due row whose wake-up Redis never had is sent by the sweeper, once', async () => {
      const wa = `${prefix}07`;
      const { id: ticketId } = await customerWritesTo(d, wa, 'Juca', 'oi');
      const [agent] = await d.core.db.sql<{ id: string }[]>`SELECT id FROM agents WHERE platform_user_id = ${maria()}`;
      // As if Redis lost the job: a row in Postgres, already due, and no wake-up at all.
      const [row] = await d.core.db.sql<{ id: string }[]>`
        INSERT INTO scheduled_messages (ticket_id, contact_id, connection_id, author_agent_id, body, send_at)
        SELECT t.id, t.contact_id, t.connection_id, ${agent!.id}, 'sem Redis', now() - interval '5 seconds' FROM tickets t WHERE t.id = ${ticketId}
        RETURNING id`;
      await d.core.sweep();
      await eventually('sent by the sweeper’s wake-up', () => textsTo(wa).some((t) => t.endsWith('sem Redis')), 15_000);
      await d.core.sweep();
      await d.core.sweep();
      expect(await stateOf(row!.id)).toMatchObject({ state: 'sent' });
      expect(textsTo(wa).filter((t) => t.endsWith('sem Redis'))).toHaveLength(1);
    });

    // Its firing reads the contact's block and reply window in the statement that locks the row
    // (src/timers/scheduled-messages.ts).
    it('a contact blocked after the message was scheduled gets nothing; the thread and the row say why', async () => {
      const wa = `${prefix}08`;
      const { thread } = await customerWritesTo(d, wa, 'Caio', 'oi');
      await d.say(thread, maria(), '!schedule in 2s passando pra lembrar');
      const id = idIn(await post(thread, '🕒 Scheduled:'));
      await d.core.db.sql`UPDATE contacts SET blocked = true WHERE external_id = ${wa}`;
      const failed = await post(thread, `🕒 Not sent, scheduled message #${id}`, 15_000);
      expect(failed).toContain('the contact is blocked');
      expect(await stateOf(id)).toEqual({ state: 'failed', failure: 'blocked' });
      expect(textsTo(wa)).toEqual([]);
    });

    it('a contact in the reply window gets the text when due', async () => {
      const wa = `${prefix}09`;
      const { thread } = await customerWritesTo(d, wa, 'Lia', 'oi');
      await d.say(thread, maria(), '!schedule in 2s seu pedido saiu');
      const id = idIn(await post(thread, '🕒 Scheduled:'));
      await eventually('the WhatsApp send', () => textsTo(wa).find((t) => t.includes('seu pedido saiu')), 15_000);
      expect(await stateOf(id)).toEqual({ state: 'sent', failure: null });
    });
  });
}
