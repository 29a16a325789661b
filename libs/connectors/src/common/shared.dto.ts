/**
 * DTO parts shared by more than one upstream: the citizen (docs/contracts.md#hotline-orders, reused by 一网通办
 * suggestions "as docs/contracts.md#hotline-orders"), the location and the attachment.
 */
import 'reflect-metadata';
import { IsBoolean, IsDefined, IsIn, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import type { IdType } from '@hub/rules/model/ticket';
import { LIMITS } from './wire-format.validator';
import {
  ID_TYPES,
  IsHttpUrl,
  IsIdNumberForType,
  IsNotBlank,
  IsPhone,
  IsRegionCode,
  IsSha256Hex,
  OptionalField,
} from './wire-format.decorators';

export class CitizenDto {
  @OptionalField() @IsString() @MaxLength(LIMITS.personName) name?: string;
  @OptionalField() @IsString() @IsPhone() phone?: string;
  @OptionalField() @IsIn(ID_TYPES) idType?: IdType;
  @OptionalField() @IsString() @IsIdNumberForType() idNumber?: string;
  @IsDefined() @IsBoolean() anonymous!: boolean;
  @IsDefined() @IsBoolean() confidential!: boolean;
}

export class LocationDto {
  @IsDefined() @IsString() @IsRegionCode() regionCode!: string;
  @OptionalField() @IsString() @MaxLength(LIMITS.address) address?: string;
  @OptionalField() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-180) @Max(180) lng?: number;
  @OptionalField() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-90) @Max(90) lat?: number;
}

/** Hotline attachments carry their digest (docs/contracts.md#hotline-orders `{name, url, sha256}`). */
export class AttachmentDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.attachmentName) name!: string;
  @IsDefined() @IsString() @IsHttpUrl() url!: string;
  @IsDefined() @IsString() @IsSha256Hex() sha256!: string;
}

/**
 * The national platform does not spell out its attachment shape (docs/contracts.md#national-pull "attachments?"); the digest is
 * optional there so a transfer is not refused for lacking one.
 */
export class LooseAttachmentDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.attachmentName) name!: string;
  @IsDefined() @IsString() @IsHttpUrl() url!: string;
  @OptionalField() @IsString() @IsSha256Hex() sha256?: string;
}
