/**
 * A 国办转办 transfer as pulled from `GET {national}/api/v1/transfers` (docs/contracts.md#national-pull), and the page
 * around it.
 *
 * A pulled transfer cannot be refused with a 400, so the rules here are the ones the hub needs to
 * route and time it (ids, times, level, region, title, content), while the submitter's phone and id
 * number are only bounded: the platform relays them from every province in their own notations.
 */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { NationalLevel } from '@hub/rules/model/ticket';
import { LooseAttachmentDto } from '../common/shared.dto';
import {
  IsLoosePhone,
  IsNotBlank,
  IsRegionCode,
  IsRfc3339WithOffset,
  NoNestedArrays,
  OptionalField,
} from '../common/wire-format.decorators';
import { LIMITS } from '../common/wire-format.validator';

/** 一般 / 特殊 / 紧急 */
export const NATIONAL_LEVELS: readonly NationalLevel[] = ['general', 'special', 'urgent'];

export class NationalSubmitterDto {
  @OptionalField() @IsString() @MaxLength(LIMITS.personName) name?: string;
  @OptionalField() @IsString() @IsLoosePhone() phone?: string;
  /** no idType on this wire: the mapper recognises resident IDs and USCCs by their check digit */
  @OptionalField() @IsString() @MaxLength(LIMITS.idNumber) idNumber?: string;
}

export class NationalTransferDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.id) transferId!: string;
  @IsDefined() @IsRfc3339WithOffset() transferredAt!: string;
  @IsDefined() @IsIn(NATIONAL_LEVELS) level!: NationalLevel;
  /** present for special and urgent (docs/contracts.md#national-pull): their deadline is the platform's, not a local policy */
  @ValidateIf((o: NationalTransferDto) => o.level !== 'general' || (o.dueAt !== undefined && o.dueAt !== null && o.dueAt !== ''))
  @IsDefined({ message: 'dueAt is required for level special and urgent' })
  @IsRfc3339WithOffset()
  dueAt?: string;
  @IsDefined() @IsString() @IsRegionCode() regionCode!: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.title) title!: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.content) content!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NationalSubmitterDto)
  submitter!: NationalSubmitterDto;

  @OptionalField() @IsString() @MaxLength(LIMITS.code) serviceItemCode?: string;
  /** national names the unit, it has no code of ours */
  @OptionalField() @IsString() @MaxLength(LIMITS.unitName) unitName?: string;
  @OptionalField() @IsString() @MaxLength(LIMITS.code) categoryCode?: string;

  @OptionalField()
  @IsArray()
  @ArrayMaxSize(LIMITS.attachmentsCount)
  @NoNestedArrays()
  @ValidateNested({ each: true })
  @Type(() => LooseAttachmentDto)
  attachments?: LooseAttachmentDto[];
}

/**
 * `{"items": [Transfer], "nextCursor": "..."|null}`. Items are not checked here: each is validated
 * on its own (validateTransferPage) so one bad transfer does not block the others.
 * A missing nextCursor is read as null: serialisers often leave out null members.
 */
export class NationalTransferPageDto {
  @IsDefined() @IsArray() @ArrayMaxSize(1000) items!: unknown[];
  @OptionalField() @IsString() @MaxLength(LIMITS.cursor) nextCursor?: string;
}
