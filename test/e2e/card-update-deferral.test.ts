// Slack limits chat.update by its Web API tier (50 in any 60 s for the workspace; the fake plays it,
// here with a smaller window so a test can meet it). A ticket's card update that must wait for it
// goes behind the rows waiting in the ticket's lane: the customer's message is never held by it,
// and the card still ends in the latest state (docs/reliability.md, "Pacing").
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, eventually, startConnectedHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

for (const pacing of ['off', 'on'] as const) {
  describe(`card updates under chat.update's tier, pacing ${pacing}`, () => {
    it('a card update refused by the tier does not hold the ticket’s later posts: the customer’s message is posted before the card shows the change, and the card ends up showing it', async () => {
      h = await startConnectedHarness({ PONTE_PACING: pacing });
      const harness = h;
      const cardTs = await harness.customerWrites('5511977700301', 'Clara Cartão', 'oi');
      const card = () => JSON.stringify(harness.slack.messages.get(`${CHANNEL}/${cardTs}`)?.blocks ?? '');
      const say = (text: string) => harness.agentSays({ channel: CHANNEL, user: 'UAGENT01', text, threadTs: cardTs });
      // One card update per 5 s for the workspace: the second within the window is refused with Retry-After.
      harness.slack.limitUpdates({ calls: 1, windowMs: 5_000 });
      await say('!tag primeiro');
      await eventually('the card shows the first tag', () => card().includes('primeiro'));
      await say('!tag segundo');
      await eventually('the second card update refused by the tier', () => harness.slack.updatesLimited() >= 1);
      expect((await harness.postMetaText('5511977700301', 'Clara Cartão', 'ainda está aí?')).statusCode).toBe(200);

      // Before: the refused card update held the lane until its Retry-After (about 5 s), so the
      // message could only appear after the card had changed.
      const cardWhenPosted = await eventually('the customer’s message posted', () => (harness.thread(cardTs).includes('ainda está aí?') ? card() : undefined), 4_000);
      expect(cardWhenPosted).not.toContain('segundo');
      const performed = () => harness.slack.callsTo('chat.update').filter((c) => !c.limited).length;
      const before = performed();
      // Another change while the card update waits: the lane reaches its card update first and
      // settles it without a call; the waiting one draws both changes when its time comes.
      await say('!tag terceiro');
      await eventually('the third tag’s notice posted', () => harness.thread(cardTs).some((t) => t.includes('terceiro')));
      await eventually('the card shows the second and third tags', () => card().includes('segundo') && card().includes('terceiro'), 15_000);
      expect(card()).toContain('primeiro');
      const texts = harness.thread(cardTs);
      // The thread keeps its order: the tag notices, then the message.
      expect(texts.findIndex((t) => t.includes('segundo'))).toBeLessThan(texts.indexOf('ainda está aí?'));
      // The card update Slack has just answered is marked sent a moment after the card shows it;
      // then nothing is left open, and the two changes took one call.
      const open = async () => (await harness.ponte.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE state IN ('pending', 'sending') AND lane LIKE '%-agent'`)[0]!.n;
      await eventually('the ticket’s agent lane settled', async () => (await open()) === 0);
      expect(performed() - before).toBe(1);
    }, 60_000);
  });
}
