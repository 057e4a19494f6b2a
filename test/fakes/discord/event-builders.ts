// Gateway payloads a test pushes with `gateway.dispatch(...)`: an agent's message in a thread and
// interactions (button, slash command, modal submit), in the shapes of Discord's docs
// (resources/message.mdx, interactions/receiving-and-responding.mdx). Interactions are registered
// in the world so their callback, follow-ups and `@original` are answered like Discord does.
import { ChannelType, type DiscordUser, type DiscordWorld } from './world.js';

export interface Person { id: string; username: string; global_name?: string; nick?: string; permissions?: string }

const ALL_PERMISSIONS = '2251799813685247';

function user(p: Person): DiscordUser {
  return { id: p.id, username: p.username, discriminator: '0', global_name: p.global_name ?? null, avatar: null };
}

function member(world: DiscordWorld, p: Person) {
  world.people.set(p.id, p);
  return { nick: p.nick ?? null, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, permissions: p.permissions ?? ALL_PERMISSIONS, guild_id: world.guildId };
}

/** MESSAGE_CREATE data for a person writing in a channel or thread; the message is stored too. */
export function personMessage(world: DiscordWorld, channelId: string, from: Person, content: string): Record<string, unknown> {
  const msg = world.addMessage({ channel_id: channelId, author: user(from), content });
  const { permissions: _p, guild_id: _g, ...m } = member(world, from);
  return { ...world.messageEvent(msg), member: m };
}

/** MESSAGE_REACTION_ADD for a person's emoji on a stored message: in a server it names the member. */
export function reactionAdd(world: DiscordWorld, input: { channelId: string; messageId: string; from: Person; emoji: string }): Record<string, unknown> {
  const { permissions: _p, guild_id: _g, ...m } = member(world, input.from);
  return { user_id: input.from.id, channel_id: input.channelId, message_id: input.messageId, guild_id: world.guildId, emoji: { id: null, name: input.emoji }, member: { ...m, user: user(input.from) } };
}

interface InteractionInput { channelId: string; from: Person; locale?: string }

function interaction(world: DiscordWorld, type: number, input: InteractionInput, data: unknown, messageId?: string): Record<string, unknown> {
  const id = world.snowflake();
  const token = `itok_${world.token()}`;
  world.interactions.set(id, { id, token, type, channel_id: input.channelId, callbacks: [], ...(messageId ? { message_id: messageId } : {}) });
  const ch = world.channels.get(input.channelId);
  const message = messageId ? world.messages.get(messageId) : undefined;
  return {
    id, application_id: world.applicationId, type, data, guild_id: world.guildId, channel_id: input.channelId,
    channel: ch ? world.channelObject(ch) : { id: input.channelId, type: ChannelType.PublicThread },
    member: { ...member(world, input.from), user: user(input.from) }, token, version: 1,
    app_permissions: ALL_PERMISSIONS, locale: input.locale ?? 'en-US', guild_locale: 'en-US', entitlements: [],
    authorizing_integration_owners: { '0': world.guildId }, context: 0, attachment_size_limit: 26_214_400,
    ...(message ? { message: world.messageObject(message) } : {}),
  };
}

/** A click on a button (`custom_id`) of a stored message: INTERACTION_CREATE type 3. */
export function buttonClick(world: DiscordWorld, input: InteractionInput & { messageId: string; customId: string }): Record<string, unknown> {
  return interaction(world, 3, input, { custom_id: input.customId, component_type: 2 }, input.messageId);
}

/** A slash command: INTERACTION_CREATE type 2 with its (sub)command options. */
export function slashCommand(world: DiscordWorld, input: InteractionInput & { name: string; options?: unknown[] }): Record<string, unknown> {
  return interaction(world, 2, input, { id: world.snowflake(), name: input.name, type: 1, options: input.options ?? [] });
}

/** A choice in a string select (`custom_id`) of a stored message: INTERACTION_CREATE type 3, component_type 3. */
export function selectChoice(world: DiscordWorld, input: InteractionInput & { messageId: string; customId: string; values: string[] }): Record<string, unknown> {
  return interaction(world, 3, input, { custom_id: input.customId, component_type: 3, values: input.values }, input.messageId);
}

/**
 * A field's answer in a modal submit: a string is a text input's value (type 4); `{ type, values }`
 * is a select's (3 string, 5 user) or a checkbox group's (22) chosen values.
 */
export type ModalAnswer = string | { type: 3 | 5 | 22; values: string[] };

/** A modal submit: INTERACTION_CREATE type 5 with its fields in Label components (type 18). */
export function modalSubmit(world: DiscordWorld, input: InteractionInput & { customId: string; fields: Record<string, ModalAnswer>; messageId?: string }): Record<string, unknown> {
  const components = Object.entries(input.fields).map(([custom_id, answer], i) => ({
    type: 18, id: i + 1,
    component: typeof answer === 'string' ? { type: 4, id: 100 + i, custom_id, value: answer } : { type: answer.type, id: 100 + i, custom_id, values: answer.values },
  }));
  return interaction(world, 5, input, { custom_id: input.customId, components }, input.messageId);
}

/** Typing in an autocompleted option: INTERACTION_CREATE type 4, the option being typed marked `focused`. */
export function commandAutocomplete(world: DiscordWorld, input: InteractionInput & { name: string; options: unknown[] }): Record<string, unknown> {
  return interaction(world, 4, input, { id: world.snowflake(), name: input.name, type: 1, options: input.options });
}
