/**
 * class-validator decorators for the contract's formats. Messages name the expected format so an
 * upstream developer can fix the field from the 400 body alone.
 */
import { buildMessage, ValidateBy, ValidateIf, type ValidationArguments, type ValidationOptions } from 'class-validator';
import type { IdType } from '@hub/rules/model/ticket';
import { idNumberProblem, inferIdType } from './id-number.validator';
import {
  isHttpUrl,
  isLoosePhoneNumber,
  isNotBlank,
  isPhoneNumber,
  isRegionCode,
  isRfc3339WithOffset,
  isSha256Hex,
} from './wire-format.validator';

export const ID_TYPES: readonly IdType[] = ['id_card', 'passport', 'uscc'];

/**
 * Optional field: absent, null and "" all mean "not given" (upstreams send all three), so the
 * remaining validators run only on a real value. validateBody later drops null and "".
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null && value !== '');
}

/**
 * Several property decorators as one, applied as the same stack written above a property would be
 * (the last first), so the validators run and join their messages in the same order. Nest's
 * applyDecorators applies them first to last.
 */
export function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (let i = decorators.length - 1; i >= 0; i--) decorators[i](target, key);
  };
}

function stringRule(
  name: string,
  test: (value: string) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown): boolean => typeof value === 'string' && test(value),
        defaultMessage: buildMessage((eachPrefix) => `${eachPrefix}$property ${message}`, options),
      },
    },
    options,
  );
}

export const IsRfc3339WithOffset = (options?: ValidationOptions): PropertyDecorator =>
  stringRule(
    'isRfc3339WithOffset',
    isRfc3339WithOffset,
    'must be an RFC 3339 time with an offset, e.g. 2026-11-20T09:12:33+08:00',
    options,
  );

export const IsRegionCode = (options?: ValidationOptions): PropertyDecorator =>
  stringRule('isRegionCode', isRegionCode, 'must be a region code of 6, 9 or 12 digits', options);

export const IsPhone = (options?: ValidationOptions): PropertyDecorator =>
  stringRule(
    'isPhone',
    isPhoneNumber,
    'must be a mainland mobile (1[3-9] + 9 digits), a landline with area code (021-62345678, ext. -123), ' +
      'optionally with +86, or an international +E.164 number',
    options,
  );

export const IsLoosePhone = (options?: ValidationOptions): PropertyDecorator =>
  stringRule('isLoosePhone', isLoosePhoneNumber, 'must be 3–32 characters of digits, +, -, ( ) and spaces', options);

export const IsSha256Hex = (options?: ValidationOptions): PropertyDecorator =>
  stringRule('isSha256Hex', isSha256Hex, 'must be a SHA-256 digest in 64 hex digits', options);

export const IsHttpUrl = (options?: ValidationOptions): PropertyDecorator =>
  stringRule('isHttpUrl', isHttpUrl, 'must be an absolute http(s) URL of at most 2048 characters', options);

export const IsNotBlank = (options?: ValidationOptions): PropertyDecorator =>
  stringRule('isNotBlank', isNotBlank, 'must not be empty', options);

/**
 * idNumber checked against the sibling `idType` (docs/contracts.md#hotline-orders). Without idType only a valid
 * resident ID or 统一社会信用代码 is accepted (recognised by its check digit); a passport number
 * needs idType "passport" because it cannot be told from a mistyped number.
 */
export function IsIdNumberForType(options?: ValidationOptions): PropertyDecorator {
  const problem = (args: ValidationArguments): string | null => {
    const value: unknown = args.value;
    if (typeof value !== 'string') return 'must be a string';
    const idType: unknown = (args.object as Record<string, unknown>).idType;
    if (idType === undefined || idType === null || idType === '') {
      return inferIdType(value) === undefined
        ? 'is neither a valid 18-digit resident ID nor a valid 统一社会信用代码; give idType ("passport" for a passport)'
        : null;
    }
    // An unknown idType gets its own error on the idType path; don't pile a second one here.
    if (!ID_TYPES.includes(idType as IdType)) return null;
    const p = idNumberProblem(idType as IdType, value);
    return p === null ? null : `${p} (idType ${String(idType)})`;
  };
  return ValidateBy(
    {
      name: 'isIdNumberForType',
      validator: {
        validate: (_value: unknown, args?: ValidationArguments): boolean => args !== undefined && problem(args) === null,
        defaultMessage: (args?: ValidationArguments): string =>
          args === undefined ? 'idNumber is invalid' : `${args.property} ${problem(args) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/**
 * An array of nested objects holds no arrays: ValidateNested walks an inner array as a collection,
 * so `[[]]` or `[[{…}]]` would pass as a list of attachments (found by the fuzzing suite,
 * docs/security.md). Primitives are still reported per index by ValidateNested.
 */
export function NoNestedArrays(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noNestedArrays',
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || value.every((v) => !Array.isArray(v)),
        defaultMessage: buildMessage((each) => `${each}$property must hold objects, not arrays`, options),
      },
    },
    options,
  );
}
