// The forms as the core describes them (src/agent-ui/*-form.ts) and the reading of their
// answers (readForm): every refusal, in the agent's language, keyed by the field to fix.
import { describe, expect, it } from 'vitest';
import type { FormField, MessageTemplate } from '../../src/core/ports.js';
import { t } from '../../src/i18n/catalog.js';
import { readForm } from '../../src/agent-ui/read-form.js';
import { transferForm } from '../../src/agent-ui/transfer-form.js';
import { actionsForm } from '../../src/agent-ui/actions-form.js';
import { contactForm } from '../../src/agent-ui/contact-form.js';
import { templateForm } from '../../src/agent-ui/template-form.js';

const from = { kind: 'thread' as const, containerId: 'C1', threadId: '1.2' };
const field = (fields: FormField[], id: string) => fields.find((f) => f.id === id)!;

describe('the transfer form', () => {
  it('asks for a person, a department (when there are any) and a reason', () => {
    const spec = transferForm({ ticketId: '42', from, departments: [{ id: '7', name: 'Vendas' }], locale: 'pt-BR' });
    expect(spec).toMatchObject({ kind: 'transfer', ticketId: '42', from, title: t('pt-BR', 'modal.transfer_title'), submit: t('pt-BR', 'modal.transfer_submit') });
    expect(spec.fields.map((f) => [f.id, f.type])).toEqual([['agent', 'user'], ['department', 'select'], ['reason', 'text']]);
    expect(field(spec.fields, 'department')).toMatchObject({ options: [{ value: '7', label: 'Vendas' }] });
    expect(field(spec.fields, 'reason')).toMatchObject({ maxLength: 500 });
    expect(transferForm({ ticketId: '42', departments: [], locale: 'en' }).fields.map((f) => f.id)).toEqual(['agent', 'reason']);
  });

  it('reads a person or a department, with the reason trimmed', () => {
    expect(readForm('transfer', { agent: 'U2', reason: '  vendas  ' }, 'en')).toEqual({ answer: { action: 'transfer', target: { userId: 'U2' }, reason: 'vendas' } });
    expect(readForm('transfer', { department: '7', reason: ' ' }, 'en')).toEqual({ answer: { action: 'transfer', target: { departmentId: '7' }, reason: undefined } });
  });

  it.each([
    ['neither', {}],
    ['both', { agent: 'U2', department: '7' }],
  ])('refuses %s, under the person picker', (_label, values) => {
    expect(readForm('transfer', values, 'pt-BR')).toEqual({ errors: { agent: t('pt-BR', 'modal.transfer_pick_one') } });
  });
});

describe('the ticket actions form', () => {
  it('offers one action, resolve\'s options and delays, and prefills the farewell', () => {
    const spec = actionsForm({ ticketId: '42', from, farewell: 'Tchau!', locale: 'en' });
    expect(spec.fields.map((f) => f.id)).toEqual(['action', 'options', 'delay', 'reason', 'farewell', 'tags', 'note']);
    expect(field(spec.fields, 'action')).toMatchObject({ options: ['accept', 'return', 'resolve', 'contact', 'phone', 'block', 'unblock'].map((value) => ({ value })) });
    expect(field(spec.fields, 'options')).toMatchObject({ type: 'checkboxes', options: [{ value: 'silent' }, { value: 'keep' }] });
    expect(field(spec.fields, 'delay')).toMatchObject({ options: [{ value: '900000', label: '15m' }, {}, {}, {}, { value: '86400000', label: '24h' }] });
    expect(field(spec.fields, 'farewell')).toMatchObject({ multiline: true, maxLength: 1000, initial: 'Tchau!' });
  });

  it('reads a later, silent resolve that survives a reply', () => {
    const read = readForm('actions', { action: 'resolve', options: ['silent', 'keep'], delay: '3600000', reason: ' done ', farewell: '' }, 'en');
    expect(read).toEqual({ answer: { action: 'resolve', reason: 'done', silent: true, keepOnReply: true, delayMs: 3_600_000, note: undefined, farewell: undefined, tags: undefined } });
  });

  it('reads a note or tags alone as a note', () => {
    expect(readForm('actions', { note: ' ligar amanhã ' }, 'en')).toMatchObject({ answer: { action: 'note', note: 'ligar amanhã', silent: false, keepOnReply: false } });
    expect(readForm('actions', { action: 'explode', tags: 'vip' }, 'en')).toMatchObject({ answer: { action: 'note', tags: 'vip' } });
  });

  it.each([
    ['nothing', {}],
    ['an action that is not offered', { action: 'transfer' }],
    ['blank note and tags', { note: '  ', tags: '' }],
  ])('refuses %s, under the action', (_label, values) => {
    expect(readForm('actions', values, 'pt-BR')).toEqual({ errors: { action: t('pt-BR', 'modal.actions_empty') } });
  });
});

describe('the contact form', () => {
  it('is prefilled with the contact, custom fields one per line', () => {
    const spec = contactForm({ ticketId: '42', contact: { name: 'Maria', email: null, fields: { cpf: '123', plano: 'ouro' } }, locale: 'en' });
    expect(spec.fields).toMatchObject([{ id: 'name', initial: 'Maria' }, { id: 'email', initial: null }, { id: 'fields', multiline: true, initial: 'cpf: 123\nplano: ouro' }]);
    expect(field(contactForm({ ticketId: '42', contact: { name: null, email: null, fields: {} }, locale: 'en' }).fields, 'fields')).toMatchObject({ initial: null });
  });

  it('reads the details: blank is null, field names lower-cased, long values cut', () => {
    const read = readForm('contact', { name: ' ', email: ' m@x.io ', fields: 'CPF: 123\n\n plano :  ouro \nnota: ' + 'x'.repeat(600) }, 'en');
    expect(read).toEqual({ answer: { action: 'contact_edit', contact: { name: null, email: 'm@x.io', fields: { cpf: '123', plano: 'ouro', nota: 'x'.repeat(500) } } } });
  });

  it.each([
    ['an e-mail that is not one', { email: 'maria@' }, { email: t('pt-BR', 'modal.contact_bad_email') }],
    ['a line without a colon', { fields: 'cpf 123' }, { fields: t('pt-BR', 'modal.contact_bad_fields') }],
    ['a field name with spaces', { fields: 'meu campo: 1' }, { fields: t('pt-BR', 'modal.contact_bad_fields') }],
  ])('refuses %s', (_label, values, errors) => {
    expect(readForm('contact', values, 'pt-BR')).toEqual({ errors });
  });
});

describe('the template form', () => {
  const tpl = (o: Partial<MessageTemplate> = {}): MessageTemplate => ({
    name: 'pedido_enviado', language: 'pt_BR', category: 'utility', status: 'APPROVED', body: 'Olá {{1}}, seu pedido {{2}} foi enviado.', paramCount: 2, ...o,
  });

  it('offers the approved templates, each option naming its language and parameter count, with previews', () => {
    const spec = templateForm({ ticketId: '42', from, templates: [tpl(), tpl({ language: 'en' }), tpl({ name: 'rascunho', status: 'PENDING' })], locale: 'en' });
    expect(field(spec.fields, 'template')).toMatchObject({
      required: true,
      options: [
        { value: 'pedido_enviado|pt_BR|2', label: 'pedido_enviado (utility) · pt_BR', description: 'Olá {{1}}, seu pedido {{2}} foi enviado.' },
        { value: 'pedido_enviado|en|2', label: 'pedido_enviado (utility) · en' },
      ],
    });
    expect(spec.previews?.items.map((p) => p.value)).toEqual(['pedido_enviado|pt_BR|2', 'pedido_enviado|en|2']);
    expect(spec.empty).toBe(t('en', 'picker.empty'));
  });

  it('has nothing to choose without an approved template', () => {
    expect(field(templateForm({ ticketId: '42', templates: [tpl({ status: 'REJECTED' })], locale: 'en' }).fields, 'template')).toMatchObject({ options: [] });
  });

  it('reads the choice and the non-empty lines as parameters', () => {
    expect(readForm('template', { template: 'pedido_enviado|pt_BR|2', params: ' Maria \n\n#4512\n' }, 'en')).toEqual({
      answer: { action: 'template', template: { name: 'pedido_enviado', language: 'pt_BR', params: ['Maria', '#4512'] } },
    });
    expect(readForm('template', { template: 'boas_vindas|en|0', params: null }, 'en')).toMatchObject({ answer: { template: { params: [] } } });
  });

  it.each([
    ['no template', { params: 'a\nb' }, { template: t('pt-BR', 'picker.pick_one') }],
    ['a value that is not an option of ours', { template: 'pedido_enviado' }, { template: t('pt-BR', 'picker.pick_one') }],
    ['too few parameters', { template: 'pedido_enviado|pt_BR|2', params: 'Maria' }, { params: t('pt-BR', 'picker.param_count', { count: 2 }) }],
    ['too many parameters', { template: 'pedido_enviado|pt_BR|2', params: 'a\nb\nc' }, { params: t('pt-BR', 'picker.param_count', { count: 2 }) }],
  ])('refuses %s', (_label, values, errors) => {
    expect(readForm('template', values, 'pt-BR')).toEqual({ errors });
  });
});
