import type { Open311ErrorItem } from './open311.types';

/**
 * An error the Open311 door answers in the spec's own format (`<errors><error>…`), with the HTTP
 * status the spec names: 400 (missing or invalid argument), 403 (api_key), 404 (jurisdiction,
 * service code or request not found). 429 is the hub's rate limit, in the same format.
 */
export class Open311Error extends Error {
  readonly errors: Open311ErrorItem[];

  constructor(
    readonly status: 400 | 403 | 404 | 429 | 500 | 503,
    descriptions: string | string[],
    readonly headers: Record<string, string> = {},
  ) {
    const list = Array.isArray(descriptions) ? descriptions : [descriptions];
    super(list.join('; '));
    this.errors = list.map((description) => ({ code: status, description }));
  }
}

export const badRequest = (d: string | string[]): Open311Error => new Open311Error(400, d);
export const notFound = (d: string): Open311Error => new Open311Error(404, d);
export const forbidden = (d: string): Open311Error => new Open311Error(403, d);
