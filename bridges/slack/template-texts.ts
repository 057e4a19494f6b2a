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

export function templatePickerTexts(locale: Locale): TemplatePickerTexts {
  return {
    offerButton: t(locale, 'picker.offer_button'),
    moreOption: t(locale, 'picker.more_option'),
    title: t(locale, 'picker.title'),
    submit: t(locale, 'picker.submit'),
    cancel: t(locale, 'card.cancel'),
    template: t(locale, 'picker.template'),
    templatePlaceholder: t(locale, 'picker.placeholder'),
    params: t(locale, 'picker.params'),
    paramsHint: t(locale, 'picker.params_hint'),
    preview: t(locale, 'picker.preview'),
    empty: t(locale, 'picker.empty'),
    pickOne: t(locale, 'picker.pick_one'),
    // `{count}` is filled where the chosen template is known.
    paramCount: t(locale, 'picker.param_count'),
  };
}
