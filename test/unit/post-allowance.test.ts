// Which platform limit each kind of agent-side post is paced against (src/pipeline/pacing.ts asks
// the bridge). Found by the transfer storm bench on Discord: cards and notices are the bot's own
// messages, not the forum webhook's, and pacing them by the webhook's allowance held a storm of
// transfers to 2.4 posts a second for a limit they do not count against (docs/performance.md).
import { describe, expect, it } from 'vitest';
import { DiscordBridge } from '../../bridges/discord/outbound.js';
import { SlackBridge } from '../../bridges/slack/outbound.js';
import { WhatsAppChannel } from '../../channels/whatsapp/outbound.js';
import type { GraphClient } from '../../channels/meta/graph-client.js';
import type { GatewayFacts } from '../../bridges/discord/gateway-facts.js';
import type { AgentBridge } from '../../src/core/ports.js';

describe('postAllowance: what a post counts against', () => {
  it('Discord: a customer’s line or file shares the forum webhook’s bucket; the bot’s cards and notices are not paced by Ponte', () => {
    const bridge = new DiscordBridge({ token: 'x', apiUrl: 'http://127.0.0.1:9', applicationId: '1', facts: {} as GatewayFacts });
    expect(bridge.postAllowance('F1', 'customer')).toMatchObject({ bucket: 'discord:webhook:F1' });
    expect(bridge.postAllowance('F1', 'notice')).toBeUndefined();
    expect(bridge.postAllowance('F1', 'card')).toBeUndefined();
  });

  it('Slack: every post into a channel shares its chat.postMessage bucket, whoever it shows as', () => {
    const bridge: AgentBridge = new SlackBridge({ token: 'xoxb-x', apiUrl: 'http://127.0.0.1:9/api/' });
    for (const what of ['customer', 'notice', 'card'] as const) expect(bridge.postAllowance?.('C1', what)).toMatchObject({ bucket: 'slack:chat.postMessage:C1' });
  });

  it('WhatsApp: a number’s sends share its throughput, declared so that no second holds more than Meta’s 80', () => {
    const channel = new WhatsAppChannel({} as GraphClient, undefined);
    const allowance = channel.sendAllowance('106540352242922');
    expect(allowance.bucket).toBe('whatsapp:send:106540352242922');
    expect(allowance.perSecond + allowance.burst).toBeLessThanOrEqual(80);
    expect(allowance.perSecond + allowance.burst).toBeGreaterThanOrEqual(72);
  });
});
