import { z } from 'zod';
import { optional, url } from '../../src/config.js';

/** The Slack bridge's variables (README "Set up Slack"). */
export const slackEnv = {
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional,
  SLACK_APP_TOKEN: optional.pipe(z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional()),
  SLACK_API_URL: url('https://slack.com/api/'),
};
