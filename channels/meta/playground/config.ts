import { z } from 'zod';
import { optional } from '../../../src/config.js';

/** The playground's own variable (PONTE_PLAYGROUND itself is the core's: it changes where Ponte listens). */
export const playgroundEnv = {
  /** The agents' channel the playground's accounts are connected to on first start. */
  PONTE_PLAYGROUND_CHANNEL: optional.pipe(z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel id such as C0123ABCD').optional()),
};
