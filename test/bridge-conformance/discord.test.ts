import { startDiscordDriver } from '../support/discord-driver.js';
import { describeBridge } from './conformance.js';

// Card: a Discord button asks no "are you sure?" and More is a button, not a menu (card.ts, another slice).
describeBridge('Discord', startDiscordDriver, { knownGaps: ['card states and controls'] });
