import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { HubError, type FieldError } from '@hub/common';
import { DEFAULT_CLOCK_SETTINGS, compileClockSettings, type OfficeClockSettings } from '@hub/rules/deadlines';
import { NoNestedArrays } from '@hub/connectors/common';
import { DEFAULT_INTAKE_CONFIG } from '@hub/rules/dispatch';
import { DEFAULT_WORK_ORDER_CONFIG } from '@hub/rules/lifecycle';
import { DEFAULT_MERGE_CONFIG } from '@hub/store';

class MatterMatchDto {
  @IsOptional() @IsString() @MaxLength(64) respondentUnitCode?: string;
  @IsOptional() @Matches(/^[0-9a-f]{64}$/) citizenIdHash?: string;
  @IsOptional() @Matches(/^[0-9a-f]{64}$/) phoneHash?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true }) keywords?: string[];
}

class ExcludedMatterDto {
  @IsDefined() @IsString() @MaxLength(64) id!: string;
  @IsDefined() @IsIn(['litigation', 'arbitration', 'reconsideration', 'mediation', 'concluded']) status!: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => MatterMatchDto) match!: MatterMatchDto;
  @IsOptional() @IsString() @MaxLength(500) note?: string;
}

class ArchiveRuleDto {
  @IsArray() @IsIn(['complaint', 'suggestion', 'request', 'report', 'consultation', 'evaluation'], { each: true }) kinds!: string[];
  @IsArray() @IsIn(['hotline', 'ywtb', 'open311'], { each: true }) sources!: string[];
}

/** Intake rules the office sets (Yunnan Measures Art. 8; 沪府办〔2020〕49号 Art. 4(一)). */
class IntakeSettingsDto {
  @IsDefined() @IsInt() @Min(0) @Max(200) minContentChars!: number;
  @IsDefined() @IsArray() @ArrayMaxSize(5000) @NoNestedArrays() @ValidateNested({ each: true }) @Type(() => ExcludedMatterDto) excludedMatters!: ExcludedMatterDto[];
  @ValidateIf((o: IntakeSettingsDto) => o.archive !== null) @IsObject() @ValidateNested() @Type(() => ArchiveRuleDto) archive!: ArchiveRuleDto | null;
}

/** When two tickets are one matter (Yunnan Measures Art. 13). */
class MergeSettingsDto {
  @IsDefined() @IsBoolean() enabled!: boolean;
  @IsDefined() @IsInt() @Min(1) @Max(24 * 365) windowHours!: number;
  @IsDefined() @IsNumber() @Min(0.05) @Max(1) minSimilarity!: number;
  @IsDefined() @IsArray() @IsIn(['accepted', 'disputed', 'dispatched', 'signed', 'contacted', 'objected', 'replied'], { each: true }) openStates!: string[];
}

/** Work-order rules (docs/rules.md): when a bouncing ticket is flagged, when the office may terminate, how many unanswered 回访 calls close a ticket. */
class WorkOrderSettingsDto {
  @IsDefined() @IsInt() @Min(0) @Max(20) maxBounces!: number;
  @IsDefined() @IsInt() @Min(1) @Max(10) unsatisfiedBeforeTerminate!: number;
  /** 回访 calls that reach nobody before the ticket closes as 联系不上 (docs/rules.md item 9b); absent: 3 */
  @IsOptional() @IsInt() @Min(1) @Max(10) callbackAttempts?: number;
}

/**
 * The office's clock policies and the table choosing one per source, kind and urgency
 * (docs/clock.md#policies); each policy and rule is checked by compileClockSettings.
 */
class ClockSettingsDto {
  @IsDefined() @IsArray() @ArrayMaxSize(50) @IsObject({ each: true }) policies!: object[];
  @IsDefined() @IsObject() table!: object;
}

/** Checks beyond the DTO's shape, each problem by its path; none for most settings. */
const noCheck = (): FieldError[] => [];

export const SETTINGS = {
  intake: { dto: IntakeSettingsDto, defaults: DEFAULT_INTAKE_CONFIG, check: noCheck },
  merge: { dto: MergeSettingsDto, defaults: DEFAULT_MERGE_CONFIG, check: noCheck },
  work_order: { dto: WorkOrderSettingsDto, defaults: DEFAULT_WORK_ORDER_CONFIG, check: noCheck },
  clocks: {
    dto: ClockSettingsDto,
    defaults: DEFAULT_CLOCK_SETTINGS,
    check: (v: unknown): FieldError[] => {
      const r = compileClockSettings(v as OfficeClockSettings);
      return r.ok ? [] : r.errors;
    },
  },
} as const;
export type SettingName = keyof typeof SETTINGS;

export function settingName(name: string): SettingName {
  // Own keys only: `in` would accept 'constructor', 'toString', '__proto__' (Object.prototype's).
  if (!Object.prototype.hasOwnProperty.call(SETTINGS, name)) throw new HubError(404, 'not_found', `no setting "${name}"; settings are ${Object.keys(SETTINGS).join(', ')}`);
  return name as SettingName;
}

