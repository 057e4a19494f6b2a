import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageTemplate, TicketCard } from '../../src/core/ports.js';
import { templateForm } from '../../src/agent-ui/template-form.js';
import { renderForm } from '../../bridges/slack/render-form.js';
import { formChoice } from '../../bridges/slack/inbound.js';
import { parseFormSubmission } from '../../bridges/slack/form-submission.js';
import { ticketCardBlocks } from '../../bridges/slack/blocks.js';
import { threadPostMessage } from '../../bridges/slack/thread-post.js';
import { templatePickerTexts } from '../../bridges/slack/template-texts.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { blockActionsPayload, templateSubmissionPayload } from '../fixtures/slack.js';

const TEXTS = templatePickerTexts('en');
const tpl = (o: Partial<MessageTemplate> = {}): MessageTemplate => ({
  name: 'pedido_enviado', language: 'pt_BR', category: 'utility', status: 'APPROVED',
  body: 'Olá {{1}}, seu pedido {{2}} foi enviado e chega em até 3 dias úteis. Acompanhe pelo link do rastreio.', paramCount: 2, ...o,
});

type Option = { text: { text: string }; value: string; description: { text: string } };
type View = {
  type: string; callback_id: string; private_metadata: string; title: { text: string }; submit?: { text: string }; close: { text: string };
  blocks: { type: string; block_id?: string; optional?: boolean; text?: { text: string }; hint?: { text: string }; element?: { type: string; action_id: string; multiline?: boolean; options?: Option[] } }[];
};
const modal = (templates: MessageTemplate[], ticketId = '42') => renderForm(templateForm({ ticketId, templates, locale: 'en' })) as View;
const options = (v: View) => v.blocks.find((b) => b.block_id === 'template')!.element!.options!;

describe('the template form, rendered for Slack', () => {
  it('lists approved templates as `name (category)`, the body\'s start as description, the value naming language and parameter count', () => {
    const v = modal([tpl(), tpl({ name: 'boas_vindas', category: 'marketing', body: 'Bem-vindo!', paramCount: 0, language: 'en_US' }), tpl({ name: 'rascunho', status: 'PENDING' })]);
    expect(v).toMatchObject({ type: 'modal', callback_id: 'ponte.template', private_metadata: '42', title: { text: 'Send a template' }, submit: { text: 'Send' } });
    expect(options(v).map((o) => [o.text.text, o.value])).toEqual([
      ['pedido_enviado (utility)', 'pedido_enviado|pt_BR|2'],
      ['boas_vindas (marketing)', 'boas_vindas|en_US|0'],
    ]);
    const description = options(v)[0]!.description.text;
    expect(description.startsWith('Olá {{1}}, seu pedido {{2}} foi enviado')).toBe(true);
    expect(description.length).toBeLessThanOrEqual(70);
    expect(options(v)[1]!.description.text).toBe('Bem-vindo!');
  });

  it('has one optional multi-line input for the parameters, and previews every body with its placeholders', () => {
    const v = modal([tpl(), tpl({ name: 'aviso', body: 'Oi {{1}} <!channel> & cia\nlinha 2', paramCount: 1 })]);
    const params = v.blocks.find((b) => b.block_id === 'params')!;
    expect(params).toMatchObject({ type: 'input', optional: true, element: { type: 'plain_text_input', action_id: 'value', multiline: true }, hint: { text: TEXTS.paramsHint } });
    const previews = v.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
    expect(previews).toEqual([
      `*pedido_enviado (utility)*\n>${tpl().body}`,
      '*aviso (utility)*\n>Oi {{1}} &lt;!channel&gt; &amp; cia\n>linha 2', // a body is content: escaped
    ]);
  });

  it('names the language only when one template exists in several', () => {
    const labels = options(modal([tpl(), tpl({ language: 'es' }), tpl({ name: 'outro' })])).map((o) => o.text.text);
    expect(labels).toEqual(['pedido_enviado (utility) · pt_BR', 'pedido_enviado (utility) · es', 'outro (utility)']);
  });

  it('without templates says how to load them and offers no submit', () => {
    const v = modal([tpl({ status: 'REJECTED' })]);
    expect(v.submit).toBeUndefined();
    expect(v.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('/ponte templates sync') } }]);
  });

  it('stays inside Block Kit limits with many templates', () => {
    const many = Array.from({ length: 150 }, (_, i) => tpl({ name: `modelo_${i}`, body: 'x'.repeat(5000) }));
    const v = modal(many);
    expect(options(v)).toHaveLength(100);
    expect(v.blocks.length).toBeLessThanOrEqual(100);
    for (const b of v.blocks) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
    for (const o of options(v)) expect(o.value.length).toBeLessThanOrEqual(150);
    for (const locale of ['en', 'pt-BR'] as const) {
      const t = templatePickerTexts(locale);
      for (const s of [t.title, t.submit, t.cancel]) expect(s.length).toBeLessThanOrEqual(24); // modal title/submit/close
    }
  });
});

describe('a template form submission', () => {
  const submit = (o: Partial<Parameters<typeof templateSubmissionPayload>[0]> = {}) =>
    parseFormSubmission(templateSubmissionPayload({ ticketId: '42', userId: 'UAGENT1', value: 'pedido_enviado|pt_BR|2', params: 'Maria\n#4512', viewId: 'V0TPL0001', ...o }), 'en');

  it('turns the choice and the lines into a template action for the ticket', () => {
    const out = submit();
    if (!out || !('record' in out)) throw new Error(`expected a record, got ${JSON.stringify(out)}`);
    expect(out.record.event).toMatchObject({
      type: 'agent.action', platform: 'slack', action: 'template', ticketId: '42', userId: 'UAGENT1',
      template: { name: 'pedido_enviado', language: 'pt_BR', params: ['Maria', '#4512'] },
    });
    expect(out.record.dedupeKey).toBe('slack:v:V0TPL0001');
    expect(out.record.orderingKey).toBe('slack:ticket:42');
  });

  it('trims lines and drops empty ones', () => {
    const out = submit({ params: '  Maria \n\n #4512\n' });
    expect(out && 'record' in out && out.record.event).toMatchObject({ template: { params: ['Maria', '#4512'] } });
  });

  it('takes no parameters for a template without placeholders', () => {
    const out = submit({ value: 'boas_vindas|en_US|0', params: null });
    expect(out && 'record' in out && out.record.event).toMatchObject({ template: { name: 'boas_vindas', language: 'en_US', params: [] } });
  });

  it.each([
    ['no template chosen', { value: null }, { template: TEXTS.pickOne }],
    ['too few parameters', { params: 'Maria' }, { params: TEXTS.paramCount.replace('{count}', '2') }],
    ['too many parameters', { params: 'a\nb\nc' }, { params: TEXTS.paramCount.replace('{count}', '2') }],
  ])('asks again for %s', (_label, o, errors) => {
    expect(submit(o)).toEqual({ errors });
  });

  it('leaves other views and a bad ticket id alone', () => {
    const ours = templateSubmissionPayload({ ticketId: '42', userId: 'U1', value: 'a|b|0' });
    expect(parseFormSubmission(ours, 'en')).toHaveProperty('record');
    expect(parseFormSubmission({ ...ours, view: { ...ours.view, callback_id: 'ponte.other' } }, 'en')).toBeUndefined();
    expect(submit({ ticketId: 'abc' })).toBeUndefined();
  });
});

describe('the controls that open the template picker', () => {
  const press = (actionId: string, value?: string) => blockActionsPayload({ actionId, value, userId: 'UAGENT1', channelId: 'C0SUPPORT', messageTs: '1700000001.000100', threadTs: '1700000000.000100', triggerId: 'T.trigger' });
  const more = (value: string) => {
    const p = press('ticket.more');
    p.actions = [{ ...p.actions[0]!, type: 'overflow', selected_option: { value } } as never];
    return p;
  };

  it.each([
    ['the button under a notice', press('ticket.templates', '42')],
    ['the More menu option', more('template:42')],
  ])('opens from %s', (_label, body) => {
    expect(formChoice(body)).toEqual({ form: 'template', ticketId: '42', triggerId: 'T.trigger', from: { kind: 'thread', containerId: 'C0SUPPORT', threadId: '1700000000.000100' } });
  });

  it.each([
    ['another button', press('ticket.accept', '42')],
    ['another More option', more('contact:42')],
    ['a button without a ticket id', press('ticket.templates')],
  ])('ignores %s', (_label, body) => {
    expect(formChoice(body)?.form).not.toBe('template');
  });
});

describe('thread posts: the template offer and quotes', () => {
  const thread = { containerId: 'C0SUPPORT', threadId: '1700000000.000100' };

  it('puts a "Send a template" button carrying the ticket id under an offering notice', () => {
    const msg = threadPostMessage({ thread, style: 'notice', text: ':warning: The 24-hour window is closed.', offer: { kind: 'templates', ticketId: '42' } }, TEXTS.offerButton);
    expect(msg.text).toBe(':warning: The 24-hour window is closed.');
    expect(msg.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':warning: The 24-hour window is closed.' } },
      { type: 'actions', block_id: 'ponte_offer', elements: [expect.objectContaining({ type: 'button', action_id: 'ticket.templates', value: '42', text: { type: 'plain_text', text: 'Send a template', emoji: true } })] },
    ]);
  });

  it('has no blocks without an offer', () => {
    expect(threadPostMessage({ thread, style: 'notice', text: 'x' }, TEXTS.offerButton).blocks).toBeUndefined();
  });

  it('quotes what a customer replies to on one escaped `>` line above their escaped words', () => {
    const msg = threadPostMessage({ thread, style: 'customer', authorName: 'Maria', text: 'sim, <!here> pode', quote: 'Seu pedido\nsai <hoje>?' }, TEXTS.offerButton);
    expect(msg).toEqual({ text: '>Seu pedido sai &lt;hoje&gt;?\nsim, &lt;!here&gt; pode', username: 'Maria' });
  });

  it('shortens a long quote', () => {
    const line = threadPostMessage({ thread, style: 'notice', text: 'ok', quote: 'a'.repeat(1000) }, TEXTS.offerButton).text.split('\n')[0]!;
    expect(line.length).toBeLessThanOrEqual(301);
    expect(line.endsWith('…')).toBe(true);
  });

  describe('through SlackBridge.post against the fake', () => {
    let slack: FakeSlack;
    beforeAll(async () => {
      slack = await startFakeSlack({ token: 'xoxb-t' });
    });
    afterAll(() => slack.close());

    it('posts the offer with its button in the workspace language, and conforms to the spec', async () => {
      const bridge = new SlackBridge({ token: 'xoxb-t', apiUrl: slack.url, locale: 'pt-BR' });
      const { externalId } = await bridge.post({ thread, style: 'notice', text: 'Janela fechada.', offer: { kind: 'templates', ticketId: '42' } });
      const [call] = slack.callsTo('chat.postMessage');
      expect(call?.params).toMatchObject({ channel: 'C0SUPPORT', thread_ts: thread.threadId, text: 'Janela fechada.' });
      expect(JSON.stringify(call?.params.blocks)).toContain('"text":"Enviar um modelo"');
      expect(externalId).toMatch(/^C0SUPPORT:\d+\.\d+$/);
      expect(slack.specViolations).toEqual([]);
    });

    it('announces a line in a channel, outside any thread, and returns its message id', async () => {
      const bridge = new SlackBridge({ token: 'xoxb-t', apiUrl: slack.url });
      const { externalId } = await bridge.announce({ destination: 'C0ALERTS', text: 'Maria mentioned you in her Instagram story.' });
      const msg = [...slack.messages.values()].find((m) => m.channel === 'C0ALERTS');
      expect(msg).toMatchObject({ text: 'Maria mentioned you in her Instagram story.', thread_ts: undefined });
      expect(externalId).toBe(`C0ALERTS:${msg!.ts}`);
      slack.failNext('chat.postMessage', { error: 'channel_not_found' });
      await expect(bridge.announce({ destination: 'C0GONE', text: 'x' })).rejects.toMatchObject({ errorClass: 'invalid_recipient' });
    });
  });
});

describe('the card\'s More menu', () => {
  const card = (windowClosesAt: string | null, templates = true): TicketCard => ({
    ticketId: '42', protocol: '20240521-0042', status: 'open', channel: 'whatsapp', customerName: 'Maria', customerPhone: null,
    department: 'Suporte', assignee: 'Ana', previousProtocol: null, tags: [], contactNotes: 0, scheduledClose: null, windowClosesAt, locale: 'en', templates,
  });
  const moreValues = (c: TicketCard) => {
    const actions = (ticketCardBlocks(c).blocks as { type: string; elements?: { action_id: string; options?: { value: string; text: { text: string } }[] }[] }[]).find((b) => b.type === 'actions');
    return actions!.elements!.find((e) => e.action_id === 'ticket.more')!.options!;
  };

  it('offers "Send template" once the reply window has closed', () => {
    const options = moreValues(card(new Date(Date.now() - 60_000).toISOString()));
    expect(options[0]).toEqual({ text: { type: 'plain_text', text: 'Send template', emoji: true }, value: 'template:42' });
  });

  it.each([
    ['while the window is open', new Date(Date.now() + 3_600_000).toISOString()],
    ['for a channel without a window', null],
  ])('does not offer it %s', (_label, closesAt) => {
    expect(moreValues(card(closesAt)).map((o) => o.value)).not.toContain('template:42');
  });

  it('does not offer it on a channel without templates (Messenger, Instagram), even once the window has closed', () => {
    expect(moreValues(card(new Date(Date.now() - 60_000).toISOString(), false)).map((o) => o.value)).not.toContain('template:42');
  });
});
