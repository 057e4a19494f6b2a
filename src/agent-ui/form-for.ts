import type { ActionOrigin } from '../core/events.js';
import type { AgentForm, FormKind, MessageTemplate } from '../core/ports.js';
import type { Db } from '../db/connect.js';
import type { Locale } from '../i18n/catalog.js';
import { contactDetailsForTicket } from '../contacts/repository.js';
import { listDepartments } from '../departments/repository.js';
import { templatesForTicket } from '../templates/repository.js';
import { contactForm, type ContactDetails } from './contact-form.js';
import { templateForm } from './template-form.js';
import { transferForm } from './transfer-form.js';
import { closeForm, type CloseAsks } from './close-form.js';
import { closeAsksFor } from '../tickets/close-settings.js';

/**
 * What the forms a control opens are built from: reads that are local and quick, made while the
 * interaction's handle ticks (a few seconds), never a platform call.
 */
export interface FormSources {
  listDepartments(): Promise<{ id: string; name: string }[]>;
  contactForTicket(ticketId: string): Promise<ContactDetails | undefined>;
  /** The approved templates a ticket can be sent (those of its business account). */
  templatesForTicket(ticketId: string): Promise<MessageTemplate[]>;
  /** What resolving the ticket asks for; undefined when nothing (Resolve then acts at once). */
  closeAsksFor(ticketId: string): Promise<CloseAsks | undefined>;
}

/** The sources, read from the database. */
export function formSources(db: Db): FormSources {
  return {
    listDepartments: () => listDepartments(db),
    contactForTicket: (ticketId) => contactDetailsForTicket(db, ticketId),
    templatesForTicket: (ticketId) => templatesForTicket(db, ticketId),
    closeAsksFor: (ticketId) => closeAsksFor(db, ticketId),
  };
}

/**
 * The form a control opens (`formOpenedBy`), for a ticket, remembering where it was opened.
 * Undefined when there is nothing to edit (a ticket without a contact), when resolving asks for
 * nothing (the close form: Resolve acts as before), and for the "Ticket actions" form, which no
 * control opens.
 */
export async function formFor(sources: FormSources, req: { form: FormKind; ticketId: string; from?: ActionOrigin; locale: Locale }): Promise<AgentForm | undefined> {
  const { ticketId, from, locale } = req;
  switch (req.form) {
    case 'transfer':
      return transferForm({ ticketId, from, departments: await sources.listDepartments(), locale });
    case 'template':
      return templateForm({ ticketId, from, templates: await sources.templatesForTicket(ticketId), locale });
    case 'contact': {
      const contact = await sources.contactForTicket(ticketId);
      return contact ? contactForm({ ticketId, from, contact, locale }) : undefined;
    }
    case 'close': {
      const asks = await sources.closeAsksFor(ticketId);
      return asks ? closeForm({ ticketId, from, asks, locale }) : undefined;
    }
    case 'actions':
      return undefined;
  }
}
