import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { dropAbsentValues, flattenErrors } from '@hub/connectors/common';
import { ValidationFailed } from '../errors/hub-error';

/**
 * Request bodies become their DTO classes here, through Nest's ValidationPipe, with the refusal the
 * signed intake routes give (validateBody): 400 `validation_failed`, one `fields[]` entry per path
 * (docs/contracts.md#inbound-answers). Unknown fields are dropped, types never converted, and null
 * or "" in an optional field mean "not given". A body typed `unknown` (the signed intake routes,
 * whose signature covers the raw bytes) is left as it came.
 */
@Injectable()
export class BodyValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: false,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailed(flattenErrors(errors)),
    });
  }

  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return metadata.type === 'body' && super.toValidate(metadata);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!this.toValidate(metadata)) return value;
    // No body is an empty one: the refusal then names each required field.
    const body = value === undefined ? {} : value;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ValidationFailed([{ path: '', message: 'body must be a JSON object' }]);
    const dto: unknown = await super.transform(body, metadata);
    dropAbsentValues(dto);
    return dto;
  }
}
