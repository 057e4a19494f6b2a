import { startSlackDriver } from '../support/slack-driver.js';
import { describeBridge } from './conformance.js';

describeBridge('Slack', startSlackDriver);
