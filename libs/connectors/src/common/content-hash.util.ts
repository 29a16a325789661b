import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and undefined/null members left out, so two bodies
 * that differ only in key order or in "null vs absent" give the same string. Array order is kept:
 * it is content (attachments, reasons).
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'null';
}

/**
 * Fingerprint of a validated DTO (unknown fields already stripped by validateBody). The gateway stores
 * it with the ticket: the same upstream id with the same hash is a retry (200 redelivered), with a
 * different hash a conflict (409), docs/contracts.md#inbound-answers. Extra fields an upstream adds later do not count,
 * because they were never part of what was accepted.
 */
export function contentHash(validatedDto: unknown): string {
  return createHash('sha256').update(stableStringify(validatedDto), 'utf8').digest('hex');
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : normalize(v)));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      const v = record[key];
      if (v === undefined || v === null) continue;
      out[key] = normalize(v);
    }
    return out;
  }
  return value;
}
