// The secrets and ids a test or benchmark run uses, and the environment that points Ponte's
// platforms at the local fakes. No vitest import: the benchmark shares it.

export const SECRETS = {
  meta: 'meta-app-secret',
  verify: 'verify-me-please',
  waToken: 'EAAGtest-whatsapp-token',
  pageToken: 'EAAGtest-page-token',
  igToken: 'EAAGtest-instagram-token',
  slackSigning: 'slack-signing-secret',
  slackBot: 'xoxb-test-bot-token',
} as const;

export const ADMIN = 'UADMIN01';
export const CHANNEL = 'CSUPPORT1';
export const PHONE_ID = '106540352242922';
/** A Facebook page and an Instagram account, as Meta's webhooks name them (entry id / recipient id). */
export const PAGE_ID = '104917382619034';
export const IG_ID = '17841405822304914';

/** WhatsApp, Messenger, Instagram and Slack on, against the fakes at these URLs, with ADMIN as the only admin. */
export function platformEnv(urls: { graph: string; slack: string }): Record<string, string> {
  return {
    PONTE_ADMINS: `slack:${ADMIN}`,
    META_APP_SECRET: SECRETS.meta,
    META_VERIFY_TOKEN: SECRETS.verify,
    META_GRAPH_URL: urls.graph,
    WHATSAPP_ACCESS_TOKEN: SECRETS.waToken,
    MESSENGER_PAGE_TOKEN: SECRETS.pageToken,
    INSTAGRAM_ACCESS_TOKEN: SECRETS.igToken,
    // The fakes serve attachment URLs from loopback; production keeps Meta's CDN hosts only.
    PONTE_MEDIA_HOSTS: 'fbcdn.net,fbsbx.com,cdninstagram.com,127.0.0.1',
    // The fakes have no rate limits unless a test sets them: posts are not paced (about one a
    // second per channel would slow every test). test/e2e/pacing.test.ts turns pacing on.
    PONTE_PACING: process.env.TEST_PONTE_PACING ?? 'off',
    // Tests count posts one message at a time; test/e2e/merged-posts.test.ts turns merging on.
    PONTE_MERGE_QUEUED: process.env.TEST_PONTE_MERGE_QUEUED ?? 'off',
    SLACK_SIGNING_SECRET: SECRETS.slackSigning,
    SLACK_BOT_TOKEN: SECRETS.slackBot,
    SLACK_API_URL: urls.slack,
  };
}
