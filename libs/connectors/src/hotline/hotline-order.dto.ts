/** `POST /connectors/hotline/orders`: a work order pushed by the 12345 hotline system (docs/contracts.md#hotline-orders). */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AttachmentDto, CitizenDto, LocationDto } from '../common/shared.dto';
import { IsNotBlank, IsRfc3339WithOffset, NoNestedArrays, OptionalField } from '../common/wire-format.decorators';
import { LIMITS } from '../common/wire-format.validator';

export const HOTLINE_CHANNELS = ['phone', 'web', 'app', 'wechat', 'letter', 'email'] as const;
export type HotlineChannel = (typeof HOTLINE_CHANNELS)[number];

/** 投诉 / 建议 / 求助 / 举报 / 咨询 */
export const HOTLINE_KINDS = ['complaint', 'suggestion', 'request', 'report', 'consultation'] as const;
export type HotlineKind = (typeof HOTLINE_KINDS)[number];

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** 被投诉人 */
export class HotlineRespondentDto {
  @OptionalField() @IsString() @MaxLength(LIMITS.personName) name?: string;
  @OptionalField() @IsString() @MaxLength(LIMITS.code) unitCode?: string;
}

export class HotlineOrderDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.id) orderNo!: string;
  @IsDefined() @IsRfc3339WithOffset() receivedAt!: string;
  @IsDefined() @IsIn(HOTLINE_CHANNELS) channel!: HotlineChannel;
  @IsDefined() @IsIn(HOTLINE_KINDS) kind!: HotlineKind;
  /** a code of the directory's category list (docs/contracts.md#directory); whether it exists is the router's intake check */
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.code) categoryCode!: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.title) title!: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.content) content!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CitizenDto)
  citizen!: CitizenDto;

  @OptionalField()
  @IsObject()
  @ValidateNested()
  @Type(() => HotlineRespondentDto)
  respondent?: HotlineRespondentDto;

  /** 事项编码 */
  @OptionalField() @IsString() @MaxLength(LIMITS.code) serviceItemCode?: string;

  @OptionalField()
  @IsObject()
  @ValidateNested()
  @Type(() => LocationDto)
  location?: LocationDto;

  /** default normal */
  @OptionalField() @IsIn(URGENCIES) urgency?: Urgency;
  /** default false: the hotline's first judgement (15 instead of 5 working days) */
  @OptionalField() @IsBoolean() complex?: boolean;
  /** 指定承办单位 */
  @OptionalField() @IsString() @MaxLength(LIMITS.code) designatedUnitCode?: string;

  @OptionalField()
  @IsArray()
  @ArrayMaxSize(LIMITS.attachmentsCount)
  @NoNestedArrays()
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}
