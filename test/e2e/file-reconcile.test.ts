import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waMessageOfType } from '../fixtures/meta.js';
import { CHANNEL, SECRETS, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

// Guarantee 2 for files: a customer's file mirrored into the thread (files v2) whose completion took
// effect but whose answer was lost, or whose worker died before settling, is looked up by the file
// id the upload remembered (files.info shares) instead of being uploaded again.

let h: Harness;
beforeAll(async () => {
  h = await startConnectedHarness();
});
afterAll(async () => {
  expect(h?.slack.specViolations ?? []).toEqual([]);
  await h?.close();
});

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256));
const cardOf = (name: string) =>
  eventually(`the card for ${name}`, () => [...h.slack.messages.values()].find((m) => !m.thread_ts && String(m.text).includes(name))?.ts);
/** The messages in a thread that share a file: what an agent sees as the file, once per upload. */
const fileSharesIn = (cardTs: string) => [...h.slack.messages.values()].filter((m) => m.thread_ts === cardTs && m.files?.length);
const infoCalls = () => h.slack.callsTo('files.info').length;

interface MirrorRow { id: string; state: string; attempts: number; file_id: string | null; external_id: string | null }

/** The media.mirror row of a customer's file (by the WhatsApp media id), with its link once written. */
async function mirrorRow(mediaId: string): Promise<MirrorRow | undefined> {
  const [row] = await h.db.sql<MirrorRow[]>`
    SELECT o.id, o.state, o.attempts, o.payload->>'fileId' AS file_id, l.external_id FROM messages m
    JOIN outbox o ON o.kind = 'media.mirror' AND o.payload->>'messageId' = m.id::text
    LEFT JOIN message_links l ON l.message_id = m.id AND l.platform = 'slack:file:0'
    WHERE m.attachments->0->>'id' = ${mediaId}`;
  return row;
}

const settled = (mediaId: string) =>
  eventually(`the file ${mediaId} settled with its link`, async () => {
    const row = await mirrorRow(mediaId);
    return row?.state === 'done' && row.external_id ? row : undefined;
  }, 15_000);

/** Failed attempt `attempts` waits seconds for its retry (the file policy): bring it forward, as time would. */
async function retryNow(mediaId: string, attempts = 1): Promise<void> {
  const row = await eventually(`the file ${mediaId} waiting after attempt ${attempts}`, async () => {
    const r = await mirrorRow(mediaId);
    return r?.state === 'pending' && r.attempts === attempts ? r : undefined;
  }, 10_000);
  // Overdue past the sweeper's grace, so the sweep wakes its lane.
  await h.db.sql`UPDATE outbox SET next_attempt_at = now() - interval '1 minute' WHERE id = ${row.id}`;
  await h.ponte.sweep();
}

async function customerSendsPhoto(mediaId: string, from: string, name: string): Promise<string> {
  h.graph.addMedia(mediaId, { bytes: bytes(600, Number(mediaId.slice(-2))), mimeType: 'image/jpeg' });
  const res = await h.postMeta(waMessageOfType('image', { id: mediaId, caption: 'foto' }, { from, name }));
  expect(res.statusCode).toBe(200);
  return cardOf(name);
}

describe('a customer’s file whose upload outcome is unknown appears once', () => {
  it('Slack completed the upload but answered 500: the retry finds the share and uploads nothing', async () => {
    h.slack.failNext('files.completeUploadExternal', { status: 500, afterEffect: true });
    const cardTs = await customerSendsPhoto('7100000000000001', '5511977770001', 'Íris Foto');
    await retryNow('7100000000000001');
    const row = await settled('7100000000000001');

    const shares = fileSharesIn(cardTs);
    expect(shares).toHaveLength(1);
    const fileId = shares[0]!.files![0]!.id;
    expect(row).toMatchObject({ attempts: 2, file_id: fileId, external_id: `file:${fileId}` });
    expect(h.slack.callsTo('files.info').map((c) => c.params.file)).toContain(fileId);
  });

  it('Slack completed the upload and the connection dropped: the retry finds the share', async () => {
    h.slack.failNext('files.completeUploadExternal', { status: 0, afterEffect: true });
    const cardTs = await customerSendsPhoto('7100000000000002', '5511977770002', 'Jonas Foto');
    await retryNow('7100000000000002');
    const row = await settled('7100000000000002');

    const shares = fileSharesIn(cardTs);
    expect(shares).toHaveLength(1);
    expect(row.external_id).toBe(`file:${shares[0]!.files![0]!.id}`);
  });

  it('a 500 before the completion took effect: the retry looks, finds no share, and uploads (nothing lost)', async () => {
    h.slack.failNext('files.completeUploadExternal', { status: 500 });
    const cardTs = await customerSendsPhoto('7100000000000003', '5511977770003', 'Kátia Foto');
    const lookedBefore = infoCalls();
    await retryNow('7100000000000003');
    const row = await settled('7100000000000003');

    const shares = fileSharesIn(cardTs);
    expect(shares).toHaveLength(1);
    // The link and the remembered id are the second upload's, the one that was shared.
    expect(row).toMatchObject({ file_id: shares[0]!.files![0]!.id, external_id: `file:${shares[0]!.files![0]!.id}` });
    expect(infoCalls()).toBeGreaterThan(lookedBefore);
  });

  it('files.info itself fails: nothing is uploaded blind, and a later retry finds the share', async () => {
    h.slack.failNext('files.completeUploadExternal', { status: 500, afterEffect: true });
    h.slack.failNext('files.info', { status: 503 });
    const cardTs = await customerSendsPhoto('7100000000000004', '5511977770004', 'Lia Foto');
    await retryNow('7100000000000004');
    // The second attempt's look-up failed: it waits again, having uploaded nothing.
    await retryNow('7100000000000004', 2);
    expect(fileSharesIn(cardTs)).toHaveLength(1);
    const row = await settled('7100000000000004');
    expect(row.attempts).toBe(3);
    expect(fileSharesIn(cardTs)).toHaveLength(1);
  });

  it('Ponte died after the upload was shared (row left in "sending"): no second upload after recovery', async () => {
    const cardTs = await h.customerWrites('5511977770005', 'Mário Foto', 'vou mandar a foto');
    const [ticket] = await h.db.sql<{ id: string }[]>`
      SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE c.external_id = '5511977770005'`;
    const photo = bytes(600, 5);
    h.graph.addMedia('7100000000000005', { bytes: photo, mimeType: 'image/jpeg' });
    const [msg] = await h.db.sql<{ id: string }[]>`
      INSERT INTO messages (ticket_id, direction, body, kind, attachments)
      VALUES (${ticket!.id}, 'inbound', '[image]', 'image', ${h.db.sql.json([{ kind: 'image', id: '7100000000000005', mimeType: 'image/jpeg' }])})
      RETURNING id`;
    // The crashed attempt: it uploaded and shared the file into the thread, having remembered its id…
    const fileId = await uploadAsPonte(photo, cardTs);
    // …and its row is left in flight, due later so no worker takes it yet.
    const [row] = await h.db.sql<{ id: string }[]>`
      INSERT INTO outbox (lane, kind, payload, state, attempts, next_attempt_at)
      VALUES (${`t${ticket!.id}-agent`}, 'media.mirror', ${h.db.sql.json({ messageId: msg!.id, index: 0, fileId })}, 'sending', 1, now() + interval '1 hour')
      RETURNING id`;
    const uploadsBefore = h.slack.callsTo('files.getUploadURLExternal').length;
    // The restarted process's sweeper finds the row due.
    await h.db.sql`UPDATE outbox SET next_attempt_at = now() - interval '1 minute' WHERE id = ${row!.id}`;
    await h.ponte.sweep();
    const done = await settled('7100000000000005');

    expect(done.external_id).toBe(`file:${fileId}`);
    expect(fileSharesIn(cardTs)).toHaveLength(1);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(uploadsBefore);
    // Found without fetching the customer's file again.
    expect(h.graph.calls.some((c) => c.path.startsWith('/whatsapp_business/attachments') && c.query.mid === '7100000000000005')).toBe(false);
  });

  it('a first attempt asks files.info nothing, and remembers the file it shares', async () => {
    const before = infoCalls();
    const cardTs = await customerSendsPhoto('7100000000000006', '5511977770006', 'Nina Foto');
    const row = await settled('7100000000000006');
    expect(infoCalls()).toBe(before);
    const shares = fileSharesIn(cardTs);
    expect(shares).toHaveLength(1);
    expect(row).toMatchObject({ attempts: 1, file_id: shares[0]!.files![0]!.id });
  });
});

/** Slack's files v2 steps, as Ponte's bridge runs them, straight against the fake; returns the file id. */
async function uploadAsPonte(bytes: Buffer, threadTs: string): Promise<string> {
  const api = async (method: string, body: Record<string, unknown>) => {
    const res = await fetch(`${h.slack.url}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRETS.slackBot}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { ok: boolean } & Record<string, unknown>;
    expect(json.ok).toBe(true);
    return json;
  };
  const target = await api('files.getUploadURLExternal', { filename: 'foto.jpg', length: bytes.length });
  const put = await fetch(String(target.upload_url), { method: 'POST', body: bytes });
  expect(put.status).toBe(200);
  await api('files.completeUploadExternal', { files: [{ id: target.file_id, title: 'foto.jpg' }], channel_id: CHANNEL, thread_ts: threadTs });
  return String(target.file_id);
}
