import { type SecurityConfig } from '../config';
import { runtimeConfig } from '../core/main-helper';
import { createLogger } from '../logging/logger';
import { piiUnreadable } from '../core/metrics';
import { DataCipher, parseDataKeys } from './data-cipher';
import { SearchHasher } from './search-hash';

/** The personal fields of a citizen (投诉人) that are encrypted at rest (email: Open311 clients send one). */
export const PII_FIELDS = ['name', 'phone', 'idNumber', 'email'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/** Objects in upstream payloads that describe a person (docs/contracts.md: the hotline's citizen, 一网通办's applicant, the national submitter). */
const PERSON_KEYS = ['citizen', 'applicant', 'submitter'] as const;

export interface CitizenHashes {
  phoneHash: string | null;
  idHash: string | null;
}

type Person = Record<string, unknown>;

/** What a reader sees in place of a value that does not decrypt (docs/security.md "Unreadable values"). */
export const UNREADABLE = '***';

let alertLog: ReturnType<typeof createLogger> | undefined;
/** One error line per unreadable value (context and key id, never the value) and a metric. */
function alertUnreadable(context: string, token: string, reason: string): void {
  piiUnreadable.inc();
  alertLog ??= createLogger('data-protection', process.env.LOG_LEVEL || 'info');
  alertLog.error({ context, keyId: DataCipher.keyIdOf(token), reason, alert: 'pii_unreadable' }, 'a personal value does not decrypt: shown masked');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Seals and opens citizens' personal data (Yunnan Measures Art. 9; 沪府办〔2020〕49号 Art. 10). Used by the store when it
 * writes and reads tickets and outbox messages, by the notifier to open a message it sends and by
 * the office's delivery API to open one it then masks.
 */
export class DataProtection {
  constructor(
    readonly cipher: DataCipher,
    readonly hasher: SearchHasher,
  ) {}

  static fromConfig(s: Pick<SecurityConfig, 'dataKeys' | 'dataCipher' | 'searchKey'>): DataProtection {
    return new DataProtection(new DataCipher(parseDataKeys('HUB_DATA_KEYS', s.dataKeys), s.dataCipher), new SearchHasher(Buffer.from(s.searchKey, 'base64')));
  }

  /**
   * A copy with name, phone and idNumber encrypted; flags and idType stay readable. Every value is
   * encrypted, whatever it looks like: a citizen who sends a name shaped like a token
   * (`enc:v1:…`) must not have it stored as if it were one (callers pass clear values only).
   */
  sealPerson<T extends object>(person: T, context: string): T {
    const out: Person = { ...(person as Person) };
    for (const f of PII_FIELDS) {
      const v = out[f];
      if (typeof v === 'string' && v !== '') out[f] = this.cipher.encrypt(v, `${context}.${f}`);
    }
    return out as T;
  }

  /**
   * Reverses `sealPerson`; values written before encryption existed (clear) pass through. A value
   * that does not decrypt (altered, moved, a retired key, or a token-shaped clear value of an old
   * row) reads as UNREADABLE with an alert: it never stops routing, a list or an action.
   */
  openPerson<T extends object>(person: T, context: string): T {
    const out: Person = { ...(person as Person) };
    for (const f of PII_FIELDS) {
      const v = out[f];
      if (!DataCipher.isSealed(v)) continue;
      try {
        out[f] = this.cipher.decrypt(v, `${context}.${f}`);
      } catch (e) {
        alertUnreadable(`${context}.${f}`, v, (e as Error).message);
        out[f] = UNREADABLE;
      }
    }
    return out as T;
  }

  hashes(person: { phone?: unknown; idNumber?: unknown }): CitizenHashes {
    return {
      phoneHash: typeof person.phone === 'string' && person.phone !== '' ? this.hasher.phone(person.phone) : null,
      idHash: typeof person.idNumber === 'string' && person.idNumber !== '' ? this.hasher.idNumber(person.idNumber) : null,
    };
  }

  /**
   * An upstream's raw payload as stored for the record: the person objects it carries (citizen,
   * applicant, submitter) get their personal fields sealed, everything else stays as received.
   */
  sealPayload(payload: unknown, context: string): unknown {
    return this.mapPersons(payload, context, (p, ctx) => this.sealPerson(p, ctx));
  }

  openPayload(payload: unknown, context: string): unknown {
    return this.mapPersons(payload, context, (p, ctx) => this.openPerson(p, ctx));
  }

  /**
   * A message as kept in the outbox: every person object (citizen, applicant, submitter) at any
   * depth gets its personal fields sealed, bound to its path under `context`. A unit's work order
   * carries the citizen in clear for the lead unit (docs/contracts.md#unit-systems); the outbox keeps it after
   * delivery, so at rest it is sealed like the ticket row, and opened only to be sent.
   */
  sealDeep(value: unknown, context: string): unknown {
    return this.walkPersons(value, context, (p, ctx) => this.sealPerson(p, ctx));
  }

  /** Reverses `sealDeep`; clear values (rows written before it) pass through. */
  openDeep(value: unknown, context: string): unknown {
    return this.walkPersons(value, context, (p, ctx) => this.openPerson(p, ctx));
  }

  private walkPersons(value: unknown, context: string, fn: (p: Person, ctx: string) => Person): unknown {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((v, i) => {
        const w = this.walkPersons(v, `${context}[${i}]`, fn);
        if (w !== v) (out ??= [...value])[i] = w;
      });
      return out ?? value;
    }
    if (!isRecord(value)) return value;
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const w = (PERSON_KEYS as readonly string[]).includes(k) && isRecord(v) ? fn(v, `${context}.${k}`) : this.walkPersons(v, `${context}.${k}`, fn);
      if (w !== v) (out ??= { ...value })[k] = w;
    }
    return out ?? value;
  }

  private mapPersons(payload: unknown, context: string, fn: (p: Person, ctx: string) => Person): unknown {
    if (!isRecord(payload)) return payload;
    let out: Record<string, unknown> | undefined;
    for (const k of PERSON_KEYS) {
      const v = payload[k];
      if (isRecord(v)) {
        out ??= { ...payload };
        out[k] = fn(v, `${context}.${k}`);
      }
    }
    return out ?? payload;
  }
}

let current: DataProtection | undefined;

/**
 * The default for handles StoreModule did not build (scripts, tests calling the store directly); the
 * apps never set it: StoreModule binds each app's own DataProtection to its DataSource.
 */
export function configureDataProtection(s: Pick<SecurityConfig, 'dataKeys' | 'dataCipher' | 'searchKey'>): DataProtection {
  current = DataProtection.fromConfig(s);
  return current;
}

/**
 * The process's data protection. Outside an app (scripts, tests calling the store directly) it is
 * built from the environment on first use, the same way the apps build it.
 */
export function dataProtection(): DataProtection {
  current ??= DataProtection.fromConfig(runtimeConfig().security);
  return current;
}

/** Contexts bind ciphertext to its row: a token copied elsewhere does not decrypt. */
export const ticketCitizenContext = (ticketId: string): string => `tickets.citizen:${ticketId}`;
export const ticketPayloadContext = (ticketId: string): string => `tickets.raw_payload:${ticketId}`;
export const evaluationPayloadContext = (evaluationId: string): string => `evaluation_records.payload:${evaluationId}`;
export const outboxPayloadContext = (eventId: string): string => `outbox.payload:${eventId}`;
export const inboundPayloadContext = (inboundId: string): string => `inbound_events.payload:${inboundId}`;
