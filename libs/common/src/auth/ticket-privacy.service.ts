import { Injectable } from '@nestjs/common';
import { citizenView, ticketTextView, type ChainPosition, type CitizenData, type Viewer } from '../crypto/citizen-view';
import { isOffice, isUnit, type HubActor } from './actor';
import { CredentialStore, type Db } from './credential-store';

export interface PresentableTicket {
  id: string;
  title: string;
  content: string;
  citizen: CitizenData;
}

export interface PresentedTicket {
  title: string;
  content: string;
  citizen: CitizenData;
  /** confidential ticket read from outside the handling chain: title and content withheld */
  contentHidden: boolean;
}

/**
 * How the work-order and office API show a ticket's citizen and text (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10):
 * the rules are `citizenView`'s; this adds the record of every unmasked read (who, when, which
 * ticket, which fields) in `pii_access_log`.
 *
 *     const shown = await this.privacy.present(actor, { id, title, content, citizen }, chain);
 *
 * `chain` is where the actor's unit stands on this ticket ('lead' 主办, 'co' 协办, or 'none');
 * for office roles and admins it is ignored. Pass the transaction as `db` to record the read in it.
 */
@Injectable()
export class TicketPrivacy {
  constructor(private readonly credentials: CredentialStore) {}

  viewer(actor: HubActor, chain: ChainPosition): Viewer {
    return { office: isOffice(actor), chain: isUnit(actor) ? chain : 'none' };
  }

  async present(actor: HubActor, ticket: PresentableTicket, chain: ChainPosition, opts: { purpose?: string; db?: Db } = {}): Promise<PresentedTicket> {
    const [one] = await this.presentMany(actor, [{ ticket, chain }], opts);
    return one;
  }

  /** Lists: one INSERT for all the unmasked reads of the page. */
  async presentMany(actor: HubActor, items: Array<{ ticket: PresentableTicket; chain: ChainPosition }>, opts: { purpose?: string; db?: Db } = {}): Promise<PresentedTicket[]> {
    const reads: Array<{ ticketId: string; fields: string[]; purpose: string }> = [];
    const out = items.map(({ ticket, chain }) => {
      const view = citizenView(ticket.citizen, this.viewer(actor, chain));
      if (view.clearFields.length > 0) reads.push({ ticketId: ticket.id, fields: view.clearFields, purpose: opts.purpose ?? 'api_read' });
      const text = ticketTextView({ title: ticket.title, content: ticket.content }, view);
      return { ...text, citizen: view.citizen, contentHidden: view.contentHidden };
    });
    await this.credentials.recordPiiAccess(opts.db, actor, reads);
    return out;
  }
}
