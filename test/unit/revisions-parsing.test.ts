// Customers editing and deleting messages, and Instagram story/reel/post shares, as the channels
// parse them: each revision is its own event (own id, own dedupe key) naming the message it changes.
import { describe, expect, it } from 'vitest';
import type { CustomerMessageEvent } from '../../src/core/events.js';
import { parseWhatsApp } from '../../channels/whatsapp/inbound.js';
import { parseInstagram, parseMessenger, type ParsedDelivery } from '../../channels/messenger/inbound.js';
import { WA_DEFAULTS, newWamid, waTextMessage } from '../fixtures/meta.js';
import { MSG_DEFAULTS, fbDelivery, msgAttachments, msgText, newMid, type MsgEnvelope } from '../fixtures/messenger.js';
import { IG_SHARES, msgEdit, msgUnsend, waCaptionEdit, waEdit, waRevoke } from '../fixtures/revisions.js';

const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function one(out: ReturnType<typeof parseWhatsApp>): { event: CustomerMessageEvent; dedupeKey: string | null } {
  if ('error' in out) throw new Error(out.error);
  expect(out.problems).toEqual([]);
  expect(out.records).toHaveLength(1);
  return out.records[0] as { event: CustomerMessageEvent; dedupeKey: string | null };
}
const meta = (body: MsgEnvelope): ParsedDelivery => {
  const out = (body.object === 'page' ? parseMessenger : parseInstagram)(wire(body));
  if ('error' in out) throw new Error(out.error);
  return out;
};

describe('WhatsApp edits and revokes', () => {
  it('an edit carries the new text and names the edited message', () => {
    const original = newWamid();
    const id = newWamid();
    const { event, dedupeKey } = one(parseWhatsApp(wire(waEdit({ original, text: 'Na verdade, são 3 unidades', id }))));
    expect(event).toMatchObject({ externalId: id, text: 'Na verdade, são 3 unidades', revision: { action: 'edit', targetExternalId: original } });
    expect(event.text).not.toMatch(/resend|cannot show/i);
    expect(event.media).toBeUndefined();
    expect(dedupeKey).toBe(`wa:m:${id}`);
  });

  it('an edited caption is rendered like the media message, without mirroring the file again', () => {
    const original = newWamid();
    const { event } = one(parseWhatsApp(wire(waCaptionEdit({ original, caption: 'Foto certa do pedido' }))));
    expect(event).toMatchObject({ text: '[image] Foto certa do pedido', revision: { action: 'edit', targetExternalId: original } });
    expect(event.media).toBeUndefined();
  });

  it('a revoke names the deleted message and never asks for a resend', () => {
    const original = newWamid();
    const { event } = one(parseWhatsApp(wire(waRevoke({ original, from: '5521998877665' }))));
    expect(event).toMatchObject({ contact: { externalId: '5521998877665' }, revision: { action: 'delete', targetExternalId: original } });
    expect(event.text).toBe('[the customer deleted a message]');
  });

  it('a revoke that reuses the original wamid is still not the original’s duplicate', () => {
    const original = newWamid();
    const first = one(parseWhatsApp(wire(waTextMessage({ phoneNumberId: WA_DEFAULTS.phoneNumberId, from: WA_DEFAULTS.from, text: 'oops', id: original }))));
    const { event, dedupeKey } = one(parseWhatsApp(wire(waRevoke({ original, id: original }))));
    expect(event.externalId).not.toBe(original);
    expect(dedupeKey).not.toBe(first.dedupeKey);
    expect(event.revision).toEqual({ action: 'delete', targetExternalId: original });
  });
});

describe('Messenger and Instagram edits and unsends', () => {
  for (const kind of ['messenger', 'instagram'] as const) {
    it(`${kind}: each message_edit is its own event, keyed by the mid and the edit’s number`, () => {
      const mid = newMid(kind);
      const out = meta(fbDelivery(kind, [
        msgEdit({ kind, mid, text: 'quero o tamanho M', numEdit: 1, timestamp: MSG_DEFAULTS.timestamp }),
        msgEdit({ kind, mid, text: 'quero o tamanho G', numEdit: 2, timestamp: MSG_DEFAULTS.timestamp + 1000 }),
      ]));
      expect(out.problems).toEqual([]);
      expect(out.ignored).toEqual([]);
      const events = out.records.map((r) => r.event as CustomerMessageEvent);
      expect(events.map((e) => e.text)).toEqual(['quero o tamanho M', 'quero o tamanho G']);
      for (const e of events) expect(e.revision).toEqual({ action: 'edit', targetExternalId: mid });
      const keys = out.records.map((r) => r.dedupeKey);
      expect(new Set([...keys, `${kind === 'messenger' ? 'fb' : 'ig'}:m:${mid}`]).size).toBe(3);
      expect(new Set(events.map((e) => e.externalId)).size).toBe(2);
    });

    it(`${kind}: an unsend is a deletion of the message it names`, () => {
      const mid = newMid(kind);
      const out = meta(fbDelivery(kind, [msgUnsend({ kind, mid })]));
      const ev = out.records[0]!.event as CustomerMessageEvent;
      expect(ev).toMatchObject({ kind: 'deleted', revision: { action: 'delete', targetExternalId: mid } });
      expect(ev.externalId).not.toBe(mid);
    });
  }
});

describe('Instagram shares and story replies', () => {
  const shared = (attachment: (typeof IG_SHARES)[keyof typeof IG_SHARES]) =>
    (meta(fbDelivery('instagram', [msgAttachments({ kind: 'instagram', attachments: [attachment] })])).records[0]!.event as CustomerMessageEvent).text;

  it.each([
    ['a shared story', IG_SHARES.story, `[shared story] ${IG_SHARES.story.payload.url}`],
    ['a shared story with only its id', IG_SHARES.storyIdOnly, '[shared story] (id 18043217599999999)'],
    ['a shared reel', IG_SHARES.reel, `[reel] Como usar o tênis Aurora ${IG_SHARES.reel.payload.url}`],
    ['a shared reel with only its id', IG_SHARES.reelIdOnly, '[reel] (id 18312345670000000)'],
    ['a shared post', IG_SHARES.post, `[shared post] Coleção de inverno ${IG_SHARES.post.payload.url}`],
    ['a shared post with only its id', IG_SHARES.postIdOnly, '[shared post] (id 18139494540000000)'],
  ])('%s says what it is and where it is', (_name, attachment, line) => {
    const text = shared(attachment);
    expect(text).toBe(line);
    expect(text).not.toContain('not shown by Ponte');
  });

  it('a reply to a story keeps the text and the story’s link', () => {
    const mid = newMid('instagram');
    const ev = msgText({ kind: 'instagram', text: 'tem em azul?', mid });
    (ev.message as Record<string, unknown>).reply_to = { story: { url: IG_SHARES.story.payload.url, id: '18043217512345678' } };
    const out = meta(fbDelivery('instagram', [ev]));
    expect((out.records[0]!.event as CustomerMessageEvent).text).toBe(`tem em azul?\n[reply to your story] ${IG_SHARES.story.payload.url}`);
  });
});
