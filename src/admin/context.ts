import type { Sql } from '../db/connect.js';
import type { AgentPlatform } from '../core/events.js';
import type { ChannelCapabilities } from '../core/ports.js';
import type { SecretBox } from '../crypto/secrets.js';
import type { Locale } from '../i18n/catalog.js';
import type { ProfileLookup } from './permissions.js';
import type { ThreadLinker } from './tickets.js';
import type { ArmMessage } from '../timers/scheduled-messages.js';

export interface CommandContext {
  platform: AgentPlatform;
  userId: string;
  /** Where the command was typed: the default destination for `connect`. */
  channelId: string;
  locale: Locale;
  /** The arguments as plain text (platform markup undone), for subcommands that take free text. */
  text: string;
  /** The agent platform's name as people know it ("Slack"), for texts that name it; else `platform`. */
  platformName?: string;
}

export interface AdminDeps {
  sql: Sql;
  envAdmins: readonly string[];
  /** Reads a profile from the platform, to recognise its workspace admins and owners. */
  lookupProfile?: ProfileLookup;
  /** Links to a ticket's thread, in the platform's markup. */
  threadLink?: ThreadLinker;
  /** Time zone for business hours given without one (PONTE_TIMEZONE). */
  timeZone?: string;
  /** Wakes dispatch for lanes (after /ponte retry re-queued them). */
  kickLanes?: (lanes: string[]) => Promise<void>;
  /** Seals tokens given to `connect` (PONTE_SECRET_KEY). */
  secrets?: SecretBox;
  /** What each customer channel can do (templates, the reply window), for `new`. */
  capabilitiesOf?: (channel: string) => ChannelCapabilities | undefined;
  /** Arms a scheduled message's wake-up (absent: the sweeper arms it). */
  armMessage?: ArmMessage;
  /** PUBLIC_URL: where `/ponte export` links its file (absent: exports are refused, saying so). */
  publicUrl?: string;
}

