/**
 * Bodies of the hotline office's work-order API (热线管理办公室). Validated by the app's BodyValidationPipe; the
 * swagger decorators document them at /docs.
 */
import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsNotBlank, LIMITS, OptionalField, stacked } from '@hub/connectors/common';
import { TEXT } from '../work-orders/work-orders.dto';

/** More co-handlers than this is not a multi-unit matter but a meeting (Yunnan Measures Art. 15). */
export const MAX_CO_UNITS = 10;

/** Co-handlers (协办): optional unit codes, at most MAX_CO_UNITS. */
function CoUnitsField(description: string): PropertyDecorator {
  return stacked(
    ApiPropertyOptional({ type: [String], description }),
    OptionalField(),
    IsArray(),
    ArrayMaxSize(MAX_CO_UNITS),
    IsString({ each: true }),
    MaxLength(LIMITS.code, { each: true }),
  );
}

export class DesignateDto {
  @ApiProperty({ description: 'the unit that handles it from now on (指定谁、谁办理, 沪府办〔2020〕49号 Art. 4(二)); it can no longer object', example: '310104-MARKET' })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(LIMITS.code)
  unit!: string;

  @CoUnitsField('co-handlers (协办); omitted: keep the current ones')
  coUnits?: string[];
}

export class ObjectionReviewDto {
  @ApiProperty({ enum: ['accepted', 'refused'], description: 'accepted: redispatch to the suggested (or given) unit; refused: back to the unit' })
  @IsDefined()
  @IsIn(['accepted', 'refused'])
  decision!: 'accepted' | 'refused';

  @ApiPropertyOptional({ description: 'accepted: another unit than the one suggested' })
  @OptionalField()
  @IsString()
  @MaxLength(LIMITS.code)
  unit?: string;

  @ApiPropertyOptional({ description: 'required when refused: told to the unit', maxLength: TEXT.short })
  @ValidateIf((o: ObjectionReviewDto) => o.decision === 'refused' || o.reason !== undefined)
  @IsDefined({ message: 'reason is required when the objection is refused' })
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  reason?: string;
}

export class ExtensionReviewDto {
  @ApiProperty({ enum: ['approved', 'refused'] })
  @IsDefined()
  @IsIn(['approved', 'refused'])
  decision!: 'approved' | 'refused';

  @ApiPropertyOptional({ description: 'required when refused', maxLength: TEXT.short })
  @ValidateIf((o: ExtensionReviewDto) => o.decision === 'refused' || o.reason !== undefined)
  @IsDefined({ message: 'reason is required when the extension is refused' })
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  reason?: string;

  @ApiPropertyOptional({ description: 'a note kept with an approval', maxLength: TEXT.short })
  @OptionalField()
  @IsString()
  @MaxLength(TEXT.short)
  note?: string;
}

export class AppealReviewDto {
  @ApiProperty({ enum: ['upheld', 'refused'], description: 'upheld: closed as 不属实 and not counted against the unit (沪府办〔2020〕49号 Art. 6(二))' })
  @IsDefined()
  @IsIn(['upheld', 'refused'])
  decision!: 'upheld' | 'refused';

  @ApiPropertyOptional({ maxLength: TEXT.short })
  @OptionalField()
  @IsString()
  @MaxLength(TEXT.short)
  reason?: string;
}

/** A call that reached nobody has no visit: these fields are then required absent (docs/rules.md item 9b). */
export const VISIT_FIELDS = ['satisfied', 'resolved', 'result', 'efficiency', 'attitude'] as const;
const reached = (o: CallbackDto): boolean => o.unreachable !== true;

export class CallbackDto {
  @ApiPropertyOptional({
    description:
      '联系不上: this call reached nobody (docs/rules.md item 9b). The office setting work_order.callbackAttempts-th such call on one answer ' +
      "(an anonymous citizen's first) closes the ticket without a visit, not counted against the unit; the visit's fields are then absent. " +
      'Refused for a national transfer (its result carries the scores)',
  })
  @OptionalField()
  @IsBoolean()
  unreachable?: boolean;

  @ApiProperty({ description: 'satisfied → closed; unsatisfied → reopened to the unit (重办); absent when unreachable' })
  @ValidateIf(reached)
  @IsDefined()
  @IsBoolean()
  satisfied!: boolean;

  @ApiPropertyOptional({ description: 'the citizen says the matter was solved (解决率, docs/contracts.md#report-api); omitted: not asked' })
  @OptionalField()
  @IsBoolean()
  resolved?: boolean;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'satisfaction with the result (沪府办〔2020〕49号 Art. 4(四))' })
  @ValidateIf(reached)
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(5)
  result!: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'satisfaction with the speed' })
  @ValidateIf(reached)
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(5)
  efficiency!: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'satisfaction with the attitude' })
  @ValidateIf(reached)
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(5)
  attitude!: number;

  @ApiPropertyOptional({ maxLength: TEXT.short })
  @OptionalField()
  @IsString()
  @MaxLength(TEXT.short)
  note?: string;
}

export class ReasonDto {
  @ApiProperty({ maxLength: TEXT.short })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  reason!: string;
}

export class UnitsDto {
  @ApiProperty({ description: '主办: the lead unit (明确牵头部门, Yunnan Measures Art. 15); a unit new to the matter is designated', example: '310104-MARKET' })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(LIMITS.code)
  lead!: string;

  @CoUnitsField('协办: the co-handlers; omitted: every other unit already on the matter')
  coUnits?: string[];
}

export class MergeDto {
  @ApiProperty({ description: 'the ticket that goes on being handled (Yunnan Measures Art. 13)', format: 'uuid' })
  @IsDefined()
  @IsUUID()
  into!: string;

  @ApiPropertyOptional({ maxLength: TEXT.short })
  @OptionalField()
  @IsString()
  @MaxLength(TEXT.short)
  reason?: string;
}

/** 退回国办 (沪府办〔2020〕49号 Art. 4(一); docs/contracts.md#national-messages `return`). */
export class ReturnDto {
  @ApiProperty({ enum: ['out_of_jurisdiction', 'incomplete_elements'], description: '超出本市事权范围 / 要素不全' })
  @IsDefined()
  @IsIn(['out_of_jurisdiction', 'incomplete_elements'])
  reason!: 'out_of_jurisdiction' | 'incomplete_elements';

  @ApiProperty({ maxLength: TEXT.short, description: 'why, as the national platform will read it' })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  detail!: string;
}
