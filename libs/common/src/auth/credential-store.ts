import type { HubActor } from './actor';

/** A connection or transaction to run the store's statements on (the store's `Queryable`). */
export interface Db {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface ApiKeyLookup {
  keyId: string;
  unitCode: string;
  secretHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface PiiAccess {
  ticketId: string;
  fields: string[];
  purpose: string;
}

/**
 * What authentication and TicketPrivacy need of the credentials tables. libs/common defines it and
 * libs/store provides it (StoreModule), so common never imports the store.
 */
export abstract class CredentialStore {
  abstract findApiKey(keyId: string): Promise<ApiKeyLookup | undefined>;
  /** Records unmasked reads of citizens' data, in `db`'s transaction when given. */
  abstract recordPiiAccess(db: Db | undefined, actor: HubActor, entries: PiiAccess[]): Promise<void>;
}
