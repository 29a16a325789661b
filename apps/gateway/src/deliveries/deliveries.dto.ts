import { Transform } from 'class-transformer';
import { IsString, Matches, ValidateBy, type ValidationArguments } from 'class-validator';
import { MAX_REASON, TARGET, targetRefusal } from './delivery.errors';

const refuseTarget = (a: ValidationArguments): string => targetRefusal(a.value);

/** `POST /office/deliveries/retry`: every failed message of one target goes again. */
export class RetryTargetDto {
  @IsString({ message: refuseTarget })
  @Matches(TARGET, { message: refuseTarget })
  target!: string;
}

/** `POST /office/deliveries/:id/discard`: why the message is given up, kept on it. */
export class DiscardDto {
  // Blanks around the operator's text are not part of the reason; length counts characters, not UTF-16 units.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @ValidateBy({
    name: 'discardReason',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && v !== '' && Array.from(v).length <= MAX_REASON,
      defaultMessage: (a?: ValidationArguments) =>
        typeof a?.value === 'string' && a.value !== ''
          ? `must be at most ${MAX_REASON} characters, got ${Array.from(a.value).length}`
          : `is required: why this message is given up (1–${MAX_REASON} characters)`,
    },
  })
  reason!: string;
}
