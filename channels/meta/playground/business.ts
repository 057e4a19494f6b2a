// The playground's make-believe WhatsApp business: one number in one business account, with a
// few approved templates, as Meta would hold them. Nothing here exists at Meta.

export const PLAYGROUND_NUMBER = {
  phoneNumberId: '109000000000001',
  wabaId: '209000000000001',
  displayPhoneNumber: '15550100001',
} as const;

/** The playground's Facebook Page (Messenger) and Instagram professional account. */
export const PLAYGROUND_PAGE_ID = '309000000000001';
export const PLAYGROUND_INSTAGRAM_ID = '17841409000000001';

export type PlaygroundChannel = 'whatsapp' | 'messenger' | 'instagram';
export const PLAYGROUND_CHANNELS: readonly PlaygroundChannel[] = ['whatsapp', 'messenger', 'instagram'];

/** The account id Ponte's connection names, per channel. */
export const ACCOUNT_OF: Record<PlaygroundChannel, string> = {
  whatsapp: PLAYGROUND_NUMBER.phoneNumberId,
  messenger: PLAYGROUND_PAGE_ID,
  instagram: PLAYGROUND_INSTAGRAM_ID,
};

/** A template as `GET /{waba_id}/message_templates` lists it. */
export interface EmulatedTemplate {
  name: string;
  language: string;
  status: 'APPROVED';
  category: 'UTILITY' | 'MARKETING';
  components: { type: 'BODY'; text: string }[];
}

const body = (text: string): EmulatedTemplate['components'] => [{ type: 'BODY', text }];

/** What an agent can send when the 24-hour window is closed (`!template`, `/ponte new`). */
export const PLAYGROUND_TEMPLATES: readonly EmulatedTemplate[] = [
  { name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: body('Hello! This is the Ponte playground. Reply to this message to talk to our team.') },
  { name: 'follow_up', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: body('Hi {{1}}, we are following up on your request. Reply to continue the conversation.') },
  { name: 'retomar_atendimento', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', components: body('Olá {{1}}! Podemos continuar o seu atendimento? É só responder esta mensagem.') },
];

/** The text a customer sees for a template send, its `{{n}}` filled with the parameters; undefined when unknown. */
export function renderTemplate(name: string, language: string, params: string[]): string | undefined {
  const template = PLAYGROUND_TEMPLATES.find((t) => t.name === name && t.language === language);
  if (!template) return undefined;
  return template.components[0]!.text.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => params[Number(n) - 1] ?? whole);
}
