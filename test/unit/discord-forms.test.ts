// The Discord renderings of the core's card controls and forms, held to Discord's limits: every
// answer is checked against the OpenAPI description (and the documented 5-component modal), and
// a modal's answers read back give the core what the form asked.
import { describe, expect, it } from 'vitest';
import type { AgentForm, FormSpec, MessageTemplate, TicketCard } from '../../src/core/ports.js';
import { transferForm } from '../../src/agent-ui/transfer-form.js';
import { actionsForm } from '../../src/agent-ui/actions-form.js';
import { contactForm } from '../../src/agent-ui/contact-form.js';
import { templateForm } from '../../src/agent-ui/template-form.js';
import { cardControls, resolveConfirm } from '../../src/agent-ui/card-controls.js';
import { readForm } from '../../src/agent-ui/read-form.js';
import { formResponse, MODAL_LIMITS } from '../../bridges/discord/render-form.js';
import { modalValues } from '../../bridges/discord/form-submission.js';
import { confirmQuestion, controlRows } from '../../bridges/discord/render-controls.js';
import { ticketCard } from '../../bridges/discord/card.js';
import { formCustomId, parseControlId, parseFormCustomId } from '../../bridges/discord/ids.js';
import { checkDocumentedLimits, matchOperation } from '../fakes/discord/spec-check.js';

const SNOWFLAKE = '12345678901234567890';
const from = { kind: 'thread' as const, containerId: SNOWFLAKE, threadId: SNOWFLAKE };
const long = (n: number, c = 'x') => c.repeat(n);

/** Problems Discord would answer a callback with: the spec's schema, then its documented limits. */
function callbackProblems(body: unknown) {
  const op = matchOperation('POST', `/interactions/${SNOWFLAKE}/itok_abc/callback`)!;
  return [...op.checkBody(body), ...checkDocumentedLimits(op.route, body)];
}

const templates: MessageTemplate[] = Array.from({ length: 30 }, (_, i) => ({
  name: `template_${i}_${long(60)}`, language: 'pt_BR', category: 'utility', status: 'APPROVED', body: `Olá {{1}}, *pedido* ${i} ${long(300, 'y')}`, paramCount: 1,
}));
const forms: [string, AgentForm][] = [
  ['transfer', transferForm({ ticketId: '42', from, departments: Array.from({ length: 40 }, (_, i) => ({ id: String(i + 1), name: `Departamento ${i} ${long(120)}` })), locale: 'pt-BR' })],
  ['actions', actionsForm({ ticketId: '42', from, farewell: long(1500), locale: 'en' })],
  ['contact', contactForm({ ticketId: '42', from, contact: { name: 'Ana', email: 'ana@example.com', fields: { plano: 'ouro' } }, locale: 'en' })],
  ['template', templateForm({ ticketId: '42', from, templates, locale: 'pt-BR' })],
];

type Modal = { type: 9; data: { custom_id: string; title: string; components: { type: number; label?: string; component?: { custom_id: string; options?: unknown[] } }[] } };

describe('core forms as Discord modals', () => {
  it.each(forms)('%s: a modal Discord takes (title ≤ 45, ≤ 5 components, labels ≤ 45, ≤ 25 options, custom_id ≤ 100)', (_kind, form) => {
    const answer = formResponse(form) as Modal;
    expect(answer.type).toBe(9);
    expect(callbackProblems(answer)).toEqual([]);
    const { data } = answer;
    expect(data.title.length).toBeLessThanOrEqual(MODAL_LIMITS.title);
    expect(data.custom_id.length).toBeLessThanOrEqual(100);
    expect(data.components.length).toBeLessThanOrEqual(MODAL_LIMITS.components);
    for (const c of data.components.filter((x) => x.type === 18)) {
      expect(c.label!.length).toBeLessThanOrEqual(MODAL_LIMITS.label);
      expect((c.component!.options ?? []).length).toBeLessThanOrEqual(MODAL_LIMITS.options);
    }
  });

  it('keeps the origin in the modal custom_id and reads it back', () => {
    const { data } = formResponse(forms[0]![1]) as Modal;
    expect(data.custom_id).toBe(`ponte:form:transfer:42:${SNOWFLAKE}:${SNOWFLAKE}`);
    expect(parseFormCustomId(data.custom_id)).toEqual({ kind: 'transfer', ticketId: '42', from: { containerId: SNOWFLAKE, threadId: SNOWFLAKE } });
    expect(formCustomId('template', '999999999999999999', { containerId: SNOWFLAKE, threadId: SNOWFLAKE }).length).toBeLessThanOrEqual(100);
  });

  it('the actions form has 7 fields: the first 5 are kept (tags and note stay as !tag and !note)', () => {
    const { data } = formResponse(forms[1]![1]) as Modal;
    expect(data.components.map((c) => c.component!.custom_id)).toEqual(['action', 'options', 'delay', 'reason', 'farewell']);
    expect(data.components[1]!.component).toMatchObject({ type: 22, min_values: 0 });
  });

  it('keeps a required field that comes after the fifth, in the form’s order', () => {
    const text = (id: string, required = false) => ({ id, type: 'text' as const, label: id, required });
    const form: FormSpec = { kind: 'contact', ticketId: '1', title: 't', cancel: 'c', fields: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => text(id)).concat(text('must', true)) };
    const { data } = formResponse(form) as Modal;
    expect(data.components.map((c) => c.component!.custom_id)).toEqual(['a', 'b', 'c', 'd', 'must']);
  });

  it('the template picker: 25 options, the previews in one Text Display, escaped', () => {
    const { data } = formResponse(forms[3]![1]) as Modal;
    expect(data.components.map((c) => c.type)).toEqual([18, 18, 10]);
    expect(data.components[0]!.component!.options).toHaveLength(25);
    expect(JSON.stringify(data.components[2])).toContain('\\\\*pedido\\\\*');
  });

  it('a notice, and a picker with nothing to pick, are lines only the presser sees', () => {
    expect(formResponse({ kind: 'notice', title: 'Ponte', text: 'Not *here*' })).toEqual({ type: 4, data: { content: '**Ponte**\nNot \\*here\\*', flags: 64, allowed_mentions: { parse: [] } } });
    const empty = formResponse(templateForm({ ticketId: '1', templates: [], locale: 'en' }));
    expect(empty.type).toBe(4);
    expect((empty.data as { content: string }).content).toContain('`/ponte templates sync`');
    expect(callbackProblems(empty)).toEqual([]);
  });

  it('reads a submit back into what the core asks for', () => {
    const submitted = [
      { type: 18, component: { type: 5, custom_id: 'agent', values: [] } },
      { type: 18, component: { type: 3, custom_id: 'department', values: ['7'] } },
      { type: 18, component: { type: 4, custom_id: 'reason', value: ' quer orçamento ' } },
    ];
    expect(readForm('transfer', modalValues(submitted), 'en')).toEqual({ answer: { action: 'transfer', target: { departmentId: '7' }, reason: 'quer orçamento' } });
    const actions = modalValues([
      { type: 18, component: { type: 3, custom_id: 'action', values: ['resolve'] } },
      { type: 18, component: { type: 22, custom_id: 'options', values: ['silent'] } },
      { type: 1, components: [{ type: 4, custom_id: 'reason', value: '' }] },
    ]);
    expect(actions).toEqual({ action: 'resolve', options: ['silent'], reason: null });
    expect(readForm('actions', actions, 'en')).toMatchObject({ answer: { action: 'resolve', silent: true, keepOnReply: false } });
  });
});

const card = (over: Partial<TicketCard> = {}): TicketCard => ({
  ticketId: '42', protocol: '2024-0001', status: 'open', channel: 'whatsapp', customerName: 'Ana', customerPhone: '5511987654321', department: 'General',
  assignee: 'Maria', previousProtocol: null, tags: [], contactNotes: 0, scheduledClose: null, windowClosesAt: null, templates: true, locale: 'en', ...over,
});

describe('card controls as Discord components', () => {
  it('buttons in one row, More as a string select of the core’s options; a message Discord takes', () => {
    const rows = controlRows(cardControls(card(), 'en'), '42', 'en');
    expect(rows.map((r) => r.components.map((c) => c.custom_id))).toEqual([['ponte:transfer:42', 'ponte:resolve:42'], ['ponte:more:42']]);
    expect((rows[1]!.components[0] as { options: { value: string }[] }).options.map((o) => o.value)).toEqual(['return', 'contact', 'edit_contact', 'history', 'transcript', 'phone', 'block', 'unblock', 'delete']);
    const op = matchOperation('POST', `/channels/${SNOWFLAKE}/messages`)!;
    expect(op.checkBody({ ...ticketCard(card({ status: 'pending' })), content: 'x' })).toEqual([]);
    for (const row of rows) for (const c of row.components) expect(parseControlId(String(c.custom_id))?.ticketId).toBe('42');
  });

  it('a resolved ticket’s card has no controls', () => {
    expect(ticketCard(card({ status: 'resolved' })).components).toEqual([]);
  });

  it('Resolve’s question: an ephemeral answer with yes and no, in the agent’s language', () => {
    const q = confirmQuestion('resolve', resolveConfirm('pt-BR'), '42');
    expect(callbackProblems({ type: 4, data: q })).toEqual([]);
    expect(q).toMatchObject({ flags: 64, components: [{ components: [{ custom_id: 'ponte:resolve-yes:42' }, { custom_id: 'ponte:cancel:42' }] }] });
    expect(() => confirmQuestion('accept', resolveConfirm('en'), '42')).toThrow();
  });
});
