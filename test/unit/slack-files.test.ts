import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { DeliveryError } from '../../src/core/errors.js';
import { FileTooLarge } from '../../src/core/ports.js';
import type { AgentFileRef } from '../../src/core/events.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { startFakeSlack, type FakeSlack, type SlackFileObject } from '../fakes/slack-api.js';

const TOKEN = 'xoxb-files-test';
const THREAD = { containerId: 'C0SUPPORT', threadId: '1700000000.000100' };
const PDF = Buffer.from('%PDF-1.7\n% a small but real-looking pdf\n%%EOF\n');

let slack: FakeSlack;
let bridge: SlackBridge;

beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN });
  bridge = new SlackBridge({ token: TOKEN, apiUrl: slack.url });
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.calls.length = 0;
  slack.fileDownloads.length = 0;
});

const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);
const asRef = (f: SlackFileObject): AgentFileRef => ({ id: f.id, name: f.name, mimeType: f.mimetype, size: f.size, url: f.url_private_download });

describe('SlackBridge.postFile (files v2)', () => {
  it('gets an upload URL, posts the bytes, and completes the upload into the thread under the customer\'s name', async () => {
    const { externalId } = await bridge.postFile({
      thread: THREAD,
      file: { bytes: PDF, mimeType: 'application/pdf', filename: 'boleto.pdf' },
      comment: 'segue o boleto',
      authorName: 'Maria Silva',
    });
    expect(slack.calls.map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(slack.callsTo('files.getUploadURLExternal')[0]?.params).toMatchObject({ filename: 'boleto.pdf', length: String(PDF.length) });
    const fileId = [...slack.uploads.values()].at(-1)!.fileId;
    expect(externalId).toBe(`file:${fileId}`);
    const upload = slack.uploads.get(fileId)!;
    expect(upload.bytes?.equals(PDF)).toBe(true);
    expect(upload.completed).toMatchObject({ channel_id: 'C0SUPPORT', thread_ts: THREAD.threadId, initial_comment: 'Maria Silva: segue o boleto', title: 'boleto.pdf' });
    // The thread now shows the file, shared in a message of the bot's.
    const shared = [...slack.messages.values()].find((m) => m.files?.some((f) => f.id === fileId));
    expect(shared).toMatchObject({ channel: 'C0SUPPORT', thread_ts: THREAD.threadId, text: 'Maria Silva: segue o boleto' });
    expect(slack.specViolations).toEqual([]);
  });

  it.each([
    ['a name and no caption', { authorName: 'Maria' }, 'Maria:'],
    ['a caption and no name', { comment: 'foto da etiqueta' }, 'foto da etiqueta'],
    ['a name that tries to ping the channel', { authorName: '<!channel> Zé', comment: 'a & b' }, '&lt;!channel&gt; Zé: a &amp; b'],
  ])('writes the comment for %s', async (_label, extra, comment) => {
    await bridge.postFile({ thread: THREAD, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' }, ...extra });
    expect(slack.callsTo('files.completeUploadExternal')[0]?.params.initial_comment).toBe(comment);
  });

  it('sends no comment when there is neither name nor caption', async () => {
    await bridge.postFile({ thread: THREAD, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' } });
    expect(slack.callsTo('files.completeUploadExternal')[0]?.params).not.toHaveProperty('initial_comment');
  });

  it.each([
    ['a 429 on the upload URL', 'files.getUploadURLExternal', { status: 429 as const, retryAfter: 12 }, { errorClass: 'rate_limited', retryAfterSeconds: 12, retryable: true }],
    ['not_in_channel on completion', 'files.completeUploadExternal', { error: 'not_in_channel' }, { errorClass: 'invalid_recipient', code: 'not_in_channel', retryable: false }],
    ['invalid_auth', 'files.getUploadURLExternal', { error: 'invalid_auth' }, { errorClass: 'auth', retryable: false }],
    ['ratelimited in the body', 'files.completeUploadExternal', { error: 'ratelimited' }, { errorClass: 'rate_limited', retryable: true }],
    ['a 503 from the upload endpoint', 'upload', { status: 503 }, { errorClass: 'transient', retryable: true }],
  ])('classifies %s', async (_label, method, failure, expected) => {
    slack.failNext(method, failure);
    const err = await fail(bridge.postFile({ thread: THREAD, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' } }));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
  });

  it('shares nothing when the bytes did not reach Slack', async () => {
    const before = [...slack.messages.values()].filter((m) => m.files).length;
    slack.failNext('upload', { status: 500 });
    await fail(bridge.postFile({ thread: THREAD, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' } }));
    expect(slack.callsTo('files.completeUploadExternal')).toEqual([]);
    expect([...slack.messages.values()].filter((m) => m.files).length).toBe(before);
  });
});

describe('SlackBridge.postFile remembers the file before sharing it', () => {
  it('hands the file id to remember after the upload URL and before the completion', async () => {
    const seen: string[] = [];
    const { externalId } = await bridge.postFile({
      thread: THREAD,
      file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' },
      remember: async (id) => {
        seen.push(`${id} completed:${slack.callsTo('files.completeUploadExternal').length}`);
      },
    });
    expect(externalId).toBe(`file:${seen[0]?.split(' ')[0]}`);
    expect(seen).toEqual([`${externalId.slice('file:'.length)} completed:0`]);
  });

  it('shares nothing when remembering fails, and surfaces that failure as it came', async () => {
    const before = [...slack.messages.values()].filter((m) => m.files).length;
    const noted = new DeliveryError('transient', 'could not note the upload');
    const err = await fail(bridge.postFile({ thread: THREAD, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' }, remember: () => Promise.reject(noted) }));
    expect(err).toBe(noted);
    expect(slack.callsTo('files.completeUploadExternal')).toEqual([]);
    expect([...slack.messages.values()].filter((m) => m.files).length).toBe(before);
  });
});

describe('SlackBridge.findFile (files.info shares)', () => {
  const upload = async (thread = THREAD) => {
    let fileId = '';
    await bridge.postFile({ thread, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' }, remember: async (id) => void (fileId = id) });
    return fileId;
  };

  it('finds a file shared into the thread, as postFile would have linked it', async () => {
    const fileId = await upload();
    expect(await bridge.findFile({ fileId, thread: THREAD })).toEqual({ externalId: `file:${fileId}` });
    expect(slack.callsTo('files.info')[0]?.params).toMatchObject({ file: fileId });
    expect(slack.specViolations).toEqual([]);
  });

  it('finds one shared into a private channel\'s thread', async () => {
    const thread = { containerId: 'G0PRIVATE', threadId: '1700000000.000300' };
    const fileId = await upload(thread);
    expect(await bridge.findFile({ fileId, thread })).toEqual({ externalId: `file:${fileId}` });
  });

  it('does not count a share in another thread of the channel', async () => {
    const fileId = await upload({ containerId: THREAD.containerId, threadId: '1700000000.000200' });
    expect(await bridge.findFile({ fileId, thread: THREAD })).toBeUndefined();
  });

  it('an upload that was never completed is not there', async () => {
    slack.failNext('files.completeUploadExternal', { status: 500 });
    let fileId = '';
    await fail(bridge.postFile({ thread: THREAD, file: { bytes: PDF, mimeType: 'application/pdf', filename: 'x.pdf' }, remember: async (id) => void (fileId = id) }));
    expect(fileId).not.toBe('');
    expect(await bridge.findFile({ fileId, thread: THREAD })).toBeUndefined();
  });

  it('a failed look-up throws, classified, so nothing is uploaded blind', async () => {
    const fileId = await upload();
    slack.failNext('files.info', { status: 503 });
    await expect(bridge.findFile({ fileId, thread: THREAD })).rejects.toMatchObject({ errorClass: 'transient', retryable: true });
  });
});

describe('SlackBridge.fetchFile', () => {
  it('downloads url_private_download with the bot token', async () => {
    const f = slack.registerFile({ name: 'comprovante.pdf', bytes: PDF });
    const got = await bridge.fetchFile({ file: asRef(f), maxBytes: 1024 });
    expect(got.bytes.equals(PDF)).toBe(true);
    expect(got).toMatchObject({ mimeType: 'application/pdf', filename: 'comprovante.pdf' });
    expect(slack.fileDownloads).toEqual([{ fileId: f.id, authorized: true }]);
  });

  it("explains Slack's sign-in page (a token without files:read) as a non-retryable auth failure", async () => {
    const f = slack.registerFile({ name: 'foto.png', bytes: Buffer.from('\x89PNG fake') });
    const noScope = new SlackBridge({ token: 'xoxb-without-files-read', apiUrl: slack.url });
    const err = await fail(noScope.fetchFile({ file: asRef(f), maxBytes: 1024 }));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ errorClass: 'auth', retryable: false, message: expect.stringContaining('files:read') });
  });

  it('stops at the cap: FileTooLarge', async () => {
    const f = slack.registerFile({ name: 'video.mp4', bytes: Buffer.alloc(4096, 1) });
    const err = await fail(bridge.fetchFile({ file: asRef(f), maxBytes: 1000 }));
    expect(err).toBeInstanceOf(FileTooLarge);
    expect(err).toMatchObject({ limitBytes: 1000, sizeBytes: 4096 });
  });

  it('refuses a URL off Slack\'s hosts without requesting it', async () => {
    const f = slack.registerFile({ name: 'a.pdf', bytes: PDF });
    const err = await fail(bridge.fetchFile({ file: { ...asRef(f), url: 'https://files.example.net/a.pdf' }, maxBytes: 1024 }));
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining('not allowed') });
    expect(slack.fileDownloads).toEqual([]);
  });

  it('asks files.info for the URL of a file the event gave none (Slack Connect)', async () => {
    const f = slack.registerFile({ name: 'contrato.pdf', bytes: PDF });
    const got = await bridge.fetchFile({ file: { ...asRef(f), url: '' }, maxBytes: 1024 });
    expect(got.bytes.equals(PDF)).toBe(true);
    expect(slack.callsTo('files.info')[0]?.params).toMatchObject({ file: f.id });
    expect(slack.specViolations).toEqual([]);
  });

  it('treats a 503 from the file host as transient', async () => {
    const f = slack.registerFile({ name: 'a.pdf', bytes: PDF });
    slack.failNext('download', { status: 503 });
    await expect(bridge.fetchFile({ file: asRef(f), maxBytes: 1024 })).rejects.toMatchObject({ errorClass: 'transient', retryable: true });
  });

  describe("on Slack's real file host", () => {
    beforeAll(() => nock.disableNetConnect());
    afterEach(() => nock.cleanAll());
    afterAll(() => nock.enableNetConnect());

    it('is allowed, and gets the bearer token', async () => {
      nock.enableNetConnect(/^127\.0\.0\.1/);
      const scope = nock('https://files.slack.com', { reqheaders: { authorization: `Bearer ${TOKEN}` } })
        .get('/files-pri/T0001-F0REAL0001/download/nota.pdf')
        .reply(200, PDF, { 'content-type': 'application/pdf', 'content-length': String(PDF.length) });
      const ref: AgentFileRef = { id: 'F0REAL0001', name: 'nota.pdf', mimeType: 'application/pdf', size: PDF.length, url: 'https://files.slack.com/files-pri/T0001-F0REAL0001/download/nota.pdf' };
      const got = await bridge.fetchFile({ file: ref, maxBytes: 1024 });
      expect(got.bytes.equals(PDF)).toBe(true);
      scope.done();
    });
  });
});
