import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** One entry of the 400 body `{"error": "validation_failed", "fields": [...]}` (docs/contracts.md#inbound-answers). */
export interface FieldError {
  /** dotted / indexed path: 'citizen.phone', 'attachments[0].url'; '' for the body itself */
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };

/**
 * Validates an already JSON-parsed body against a DTO class.
 *
 * - Unknown fields are stripped (whitelist), never an error: upstreams add fields without notice
 *   (contracts, preamble). The returned value holds only declared fields, so it is also what
 *   `contentHash` fingerprints.
 * - No implicit type conversion: `"rating": "1"` is an error, not 1, because a changed type is a
 *   broken integration that should be seen.
 * - For optional fields null and "" mean "not given" and are removed from the value.
 */
export function validateBody<T extends object>(dtoClass: ClassConstructor<T>, body: unknown): ValidationResult<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, fields: [{ path: '', message: 'body must be a JSON object' }] };
  }
  const instance = plainToInstance(dtoClass, body);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) return { ok: false, fields: flattenErrors(errors) };
  dropAbsentValues(instance);
  return { ok: true, value: instance };
}

/** Turns class-validator's error tree into one entry per failing path. */
export function flattenErrors(errors: readonly ValidationError[], parentPath = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = joinPath(parentPath, error.property);
    const constraints = error.constraints ?? {};
    const messages = Object.entries(constraints).map(([name, message]) =>
      // class-validator's own wording ("nested property x must be either object or array") is
      // confusing for a field that must be an object.
      name === 'nestedValidation' ? `${error.property} must be an object` : message,
    );
    if (messages.length > 0) {
      out.push({ path, message: dedupe(messages).join('; ') });
      // A value that is already wrong as a whole (e.g. citizen is a string) gets no child errors.
      continue;
    }
    if (error.children && error.children.length > 0) out.push(...flattenErrors(error.children, path));
  }
  return out;
}

function joinPath(parent: string, property: string): string {
  // DTOs have no numeric property names, so a numeric property is an array index.
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/** Optional fields sent as null or "" count as not given: removed from the validated value. */
export function dropAbsentValues(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropAbsentValues(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (v === undefined || v === null || v === '') delete record[key];
    else dropAbsentValues(v);
  }
}
