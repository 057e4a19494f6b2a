// The fake Send API refuses what the real one refuses, so tests that pass against it mean
// something. Raw fetch here: the adapter never sends most of these bodies.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleMessengerCall, newMessengerState, startFakeMessenger, type FakeMessenger, type MessengerCall } from '../fakes/messenger-api.js';

const PAGE = '100200300';
const IG = '17841400000000001';
let fake: FakeMessenger;

beforeAll(async () => {
  fake = await startFakeMessenger({ accounts: [{ id: PAGE, kind: 'messenger', token: 'PAGE' }, { id: IG, kind: 'instagram', token: 'IG' }] });
});
afterAll(() => fake.close());

async function post(account: string, body: unknown, token = account === PAGE ? 'PAGE' : 'IG'): Promise<{ status: number; json: { error?: { code: number; error_subcode?: number; message: string; fbtrace_id?: string }; message_id?: string; recipient_id?: string } }> {
  const res = await fetch(`${fake.url}/${fake.version}/${account}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

const text = (t: string, extra: Record<string, unknown> = {}) => ({ recipient: { id: '1' }, messaging_type: 'RESPONSE', message: { text: t }, ...extra });

describe('fake Send API', () => {
  it('accepts a documented send and answers {recipient_id, message_id}', async () => {
    const { status, json } = await post(PAGE, text('hi'));
    expect(status).toBe(200);
    expect(json).toEqual({ recipient_id: '1', message_id: expect.stringMatching(/^m_/) });
  });

  it.each<[string, string, unknown, number]>([
    ['no recipient', PAGE, { messaging_type: 'RESPONSE', message: { text: 'x' } }, 100],
    ['no messaging_type on Messenger', PAGE, { recipient: { id: '1' }, message: { text: 'x' } }, 100],
    ['an unknown messaging_type', PAGE, text('x', { messaging_type: 'PROMO' }), 100],
    ['MESSAGE_TAG without a tag', PAGE, text('x', { messaging_type: 'MESSAGE_TAG' }), 100],
    ['message and sender_action together', PAGE, text('x', { sender_action: 'mark_seen' }), 100],
    ['an unknown sender_action', PAGE, { recipient: { id: '1' }, sender_action: 'dance' }, 100],
    ['react without a reaction', IG, { recipient: { id: '1' }, sender_action: 'react', payload: { message_id: 'm' } }, 100],
    ['2001 characters on Messenger', PAGE, text('a'.repeat(2001)), 100],
    ['1001 bytes on Instagram', IG, text('a'.repeat(999) + 'ç'), 100],
    ['an empty text', PAGE, text(''), 100],
    ['an attachment without url or file', PAGE, { recipient: { id: '1' }, messaging_type: 'RESPONSE', message: { attachment: { type: 'image', payload: {} } } }, 100],
  ])('refuses %s', async (_label, account, body, code) => {
    const { status, json } = await post(account, body);
    expect(status).toBe(400);
    expect(json.error?.code).toBe(code);
    expect(json.error?.fbtrace_id).toBeTruthy();
  });

  it('takes 2000 characters on Messenger, and Instagram without messaging_type', async () => {
    expect((await post(PAGE, text('a'.repeat(2000)))).status).toBe(200);
    expect((await post(IG, { recipient: { id: '1' }, message: { text: 'ã'.repeat(500) } })).status).toBe(200);
  });

  it("checks the account's own token, as a header or access_token", async () => {
    expect((await post(PAGE, text('x'), 'IG')).json.error?.code).toBe(190);
    const res = await fetch(`${fake.url}/${fake.version}/${PAGE}/messages?access_token=PAGE`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(text('x')) });
    expect(res.status).toBe(200);
  });

  it('Instagram refuses an uploaded file; Messenger takes it', async () => {
    const form = (account: string) => {
      const f = new FormData();
      f.append('recipient', JSON.stringify({ id: '1' }));
      f.append('messaging_type', 'RESPONSE');
      f.append('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
      f.append('filedata', new Blob([Buffer.from('png')], { type: 'image/png' }), 'a.png');
      return fetch(`${fake.url}/${fake.version}/${account}/messages`, { method: 'POST', headers: { authorization: `Bearer ${account === PAGE ? 'PAGE' : 'IG'}` }, body: f });
    };
    const ok = await form(PAGE);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ attachment_id: expect.any(String) });
    const refused = await form(IG);
    expect(refused.status).toBe(400);
  });

  it('answers an unknown account like Graph, and injected failures in its envelope with Retry-After', async () => {
    const unknown = await post('999', text('x'));
    expect(unknown.json.error).toMatchObject({ code: 100, error_subcode: 33 });
    fake.failNext({ status: 400, error: { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2018278 }, retryAfter: 3 });
    const res = await fetch(`${fake.url}/${fake.version}/${PAGE}/messages`, { method: 'POST', headers: { authorization: 'Bearer PAGE' }, body: '{}' });
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({ error: { code: 10, error_subcode: 2018278, type: 'OAuthException' } });
  });

  it('handleMessengerCall leaves calls for other accounts to a shared server', () => {
    const state = newMessengerState([{ id: PAGE, kind: 'messenger', token: 'PAGE' }]);
    const call: MessengerCall = { method: 'POST', path: '/v21.0/106540352242922/messages', query: {}, headers: {}, body: { messaging_product: 'whatsapp' }, form: false, at: 0 };
    expect(handleMessengerCall(state, call, 'Bearer x', {} as ServerResponse)).toBe(false);
    expect(state.calls).toEqual([]);
  });
});
