import { startDiscordDriver } from '../support/discord-driver.js';
import { describeBridge } from './conformance.js';

describeBridge('Discord', startDiscordDriver);
