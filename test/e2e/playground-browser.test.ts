// The playground in a real browser: Debian's Chromium driven by playwright-core opens the page,
// plays a customer writing "oi", and sees an agent's reply (a signed Slack message event in the
// thread, sent to the real /slack/events) appear with its ticks. Skipped, saying so, only where
// no Chromium is installed (CI installs it: .ci/run).
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPonte, type Ponte } from '../../src/main.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, CHANNEL, SECRETS, eventually, nextAgentTs } from '../support/harness.js';
import { slackHeaders, slackMessageEvent } from '../fixtures/slack.js';

const CHROMIUM = [process.env.PONTE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const TITLE = CHROMIUM
  ? 'the playground in a real browser'
  : 'the playground in a real browser — SKIPPED: no Chromium here (apt-get install chromium, or set PONTE_CHROMIUM)';

describe.skipIf(!CHROMIUM)(TITLE, () => {
  let db: TestDatabase;
  let slack: FakeSlack;
  let ponte: Ponte;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseUrl'));
    slack = await startFakeSlack({ token: SECRETS.slackBot });
    slack.users.set('UAGENT01', { name: 'maria', real_name: 'Maria Silva', display_name: 'Maria' });
    ponte = await startPonte({
      sweepEveryMs: 1000,
      env: {
        PORT: '0',
        DATABASE_URL: db.url,
        REDIS_URL: inject('redisUrl'),
        PONTE_QUEUE_PREFIX: `pb${randomBytes(4).toString('hex')}`,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        PONTE_PLAYGROUND: 'on',
        PONTE_PLAYGROUND_CHANNEL: CHANNEL,
        PONTE_ADMINS: `slack:${ADMIN}`,
        SLACK_SIGNING_SECRET: SECRETS.slackSigning,
        SLACK_BOT_TOKEN: SECRETS.slackBot,
        SLACK_API_URL: slack.url,
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await ponte?.stop();
    await slack?.close();
    await db?.drop();
  });

  it('a customer writes "oi" on the page, it shows in Slack under their name, and the agent\'s reply comes back with its ticks', async () => {
    expect(ponte.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // localhost, as the playground binds by default
    await page.goto(`${ponte.url}/playground`);
    await page.fill('#name', 'Carla Browser');
    await page.fill('#number', '5511987659999');
    await page.click('#who button[type="submit"]');
    await page.fill('#text', 'oi');
    await page.click('#send');

    const mine = page.locator('.msg[data-from="customer"]', { hasText: 'oi' });
    await mine.waitFor();
    const post = await eventually('"oi" in a Slack thread under Carla\'s name', () =>
      [...slack.messages.values()].find((m) => m.text === 'oi' && m.username === 'Carla Browser' && m.thread_ts));
    expect(post.channel).toBe(CHANNEL);

    // The agent answers in the thread: a signed Slack message event to the real /slack/events.
    const raw = JSON.stringify(slackMessageEvent({ channel: CHANNEL, user: 'UAGENT01', text: 'Olá Carla! Como posso ajudar?', threadTs: post.thread_ts!, ts: nextAgentTs() }));
    const res = await fetch(`${ponte.url}/slack/events`, { method: 'POST', headers: slackHeaders(raw, SECRETS.slackSigning, { contentType: 'application/json' }), body: raw });
    expect(res.status).toBe(200);

    const reply = page.locator('.msg[data-from="business"]', { hasText: 'Olá Carla! Como posso ajudar?' });
    await reply.waitFor({ timeout: 15_000 });
    // The page shows it, so it is read: blue ticks, reported to Ponte and marked in Slack.
    await page.locator('.msg[data-from="business"][data-status="read"] .ticks[data-status="read"]').waitFor({ timeout: 15_000 });
    expect(await reply.locator('.ticks').textContent()).toBe('✓✓');
    await eventually('the read mark on the agent\'s message in Slack', () => slack.callsTo('reactions.add').some((c) => c.params.name === 'eyes'));
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT, fullPage: true });
  });
});
