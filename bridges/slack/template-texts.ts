import { t, type Locale } from '../../src/i18n/catalog.js';

/** Every text of the template picker, its button and its More option. */
export interface TemplatePickerTexts {
  /** The button under a notice, and the modal's title. */
  offerButton: string;
  moreOption: string;
  title: string;
  submit: string;
  cancel: string;
  template: string;
  templatePlaceholder: string;
  params: string;
  paramsHint: string;
  preview: string;
  /** Shown instead of the form when the ticket's account has no approved template. */
  empty: string;
  pickOne: string;
  /** `{count}`: how many parameters the chosen template takes. */
  paramCount: string;
}

// Interim: these belong in src/i18n (keys `template.*`, listed in the bridge's hand-over notes).
// Until they are there, the picker reads them from here; swapping this body for `t()` calls is
// the whole change.
const TEXTS: Record<Locale, Omit<TemplatePickerTexts, 'cancel'>> = {
  en: {
    offerButton: 'Send a template',
    moreOption: 'Send template',
    title: 'Send a template',
    submit: 'Send',
    template: 'Template',
    templatePlaceholder: 'Choose an approved template',
    params: 'Parameters',
    paramsHint: 'One per line, in order: the first line fills {{1}}, the second {{2}}…',
    preview: 'Templates',
    empty: 'This ticket’s account has no approved templates yet. An admin can load them with `/ponte templates sync`.',
    pickOne: 'Choose a template.',
    paramCount: 'This template takes {count} parameter(s): write one per line.',
  },
  'pt-BR': {
    offerButton: 'Enviar um modelo',
    moreOption: 'Enviar modelo',
    title: 'Enviar um modelo',
    submit: 'Enviar',
    template: 'Modelo',
    templatePlaceholder: 'Escolha um modelo aprovado',
    params: 'Parâmetros',
    paramsHint: 'Um por linha, em ordem: a primeira linha preenche {{1}}, a segunda {{2}}…',
    preview: 'Modelos',
    empty: 'A conta deste ticket ainda não tem modelos aprovados. Um admin pode carregá-los com `/ponte templates sync`.',
    pickOne: 'Escolha um modelo.',
    paramCount: 'Este modelo recebe {count} parâmetro(s): escreva um por linha.',
  },
};

export function templatePickerTexts(locale: Locale): TemplatePickerTexts {
  return { ...TEXTS[locale], cancel: t(locale, 'card.cancel') };
}
