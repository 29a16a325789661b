/** `POST /connectors/ywtb/evaluations`: a 好差评 evaluation from 一网通办 (docs/contracts.md#ywtb-evaluations). */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { IdType } from '@hub/rules/model/ticket';
import { ID_TYPES, IsIdNumberForType, IsNotBlank, IsPhone, IsRfc3339WithOffset, OptionalField } from '../common/wire-format.decorators';
import { LIMITS } from '../common/wire-format.validator';

export const YWTB_EVALUATION_CHANNELS = ['pc', 'app', 'window', 'self_service', 'sms', 'hotline'] as const;
export type YwtbEvaluationChannel = (typeof YWTB_EVALUATION_CHANNELS)[number];

/** The applicant (申请人) may carry an id like a docs/contracts.md#hotline-orders citizen, but has no anonymity flags. */
export class YwtbApplicantDto {
  @OptionalField() @IsString() @MaxLength(LIMITS.personName) name?: string;
  @OptionalField() @IsString() @IsPhone() phone?: string;
  @OptionalField() @IsIn(ID_TYPES) idType?: IdType;
  @OptionalField() @IsString() @IsIdNumberForType() idNumber?: string;
}

export class YwtbEvaluationDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.id) evaluationId!: string;
  /** 办件编号 */
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.id) projectNo!: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.code) serviceItemCode!: string;
  @OptionalField() @IsString() @MaxLength(LIMITS.unitName) serviceItemName?: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.code) unitCode!: string;
  @OptionalField() @IsString() @MaxLength(LIMITS.code) staffId?: string;
  @IsDefined() @IsIn(YWTB_EVALUATION_CHANNELS) channel!: YwtbEvaluationChannel;
  /** 1 非常不满意 … 5 非常满意 */
  @IsDefined() @IsInt() @Min(1) @Max(5) rating!: number;

  @OptionalField()
  @IsArray()
  @ArrayMaxSize(LIMITS.reasonsCount)
  @IsString({ each: true })
  @MaxLength(LIMITS.reason, { each: true })
  reasons?: string[];

  @OptionalField() @IsString() @MaxLength(LIMITS.comment) comment?: string;
  @IsDefined() @IsRfc3339WithOffset() evaluatedAt!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => YwtbApplicantDto)
  applicant!: YwtbApplicantDto;
}
