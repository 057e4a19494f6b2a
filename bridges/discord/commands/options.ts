import { ApplicationCommandOptionType as T, type APIApplicationCommandBasicOption, type APIApplicationCommandOptionChoice } from 'discord.js';
import { ChannelType } from '../channels.js';

/** Small builders for command options, so the definitions read as data. */

type Opt = APIApplicationCommandBasicOption;

const choices = (values: readonly string[]): APIApplicationCommandOptionChoice<string>[] => values.map((v) => ({ name: v, value: v }));

export const text = (name: string, description: string, required = false, maxLength?: number): Opt => ({
  type: T.String, name, description, required, ...(maxLength ? { max_length: maxLength } : {}),
});
export const choice = (name: string, description: string, values: readonly string[], required = false): Opt => ({
  type: T.String, name, description, required, choices: choices(values),
});
/** A string whose values Ponte suggests as the person types (departments, quick replies, templates). */
export const suggested = (name: string, description: string, required = false): Opt => ({ type: T.String, name, description, required, autocomplete: true });
export const person = (name: string, description: string, required = false): Opt => ({ type: T.User, name, description, required });
export const flag = (name: string, description: string): Opt => ({ type: T.Boolean, name, description, required: false });
/** A destination: a forum (posts) or a text channel (threads). */
export const destination = (name: string, description: string, required = false): Opt => ({
  type: T.Channel, name, description, required, channel_types: [ChannelType.GuildForum, ChannelType.GuildText],
});
