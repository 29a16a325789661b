import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { DataSource } from 'typeorm';
import { CurrentActor, HubActor, HubError, OFFICE_ROLES, Roles, ValidationFailed } from '@hub/common';
import { NoNestedArrays, validateBody } from '@hub/connectors/common';
import { DEFAULT_INTAKE_CONFIG } from '@hub/rules/dispatch';
import { DEFAULT_WORK_ORDER_CONFIG } from '@hub/rules/lifecycle';
import { DEFAULT_MERGE_CONFIG, officeSetting } from '@hub/store';

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

/** Intake rules the office sets (001 Art. 8; 003 Art. 4(一)). */
class IntakeSettingsDto {
  @IsDefined() @IsInt() @Min(0) @Max(200) minContentChars!: number;
  @IsDefined() @IsArray() @ArrayMaxSize(5000) @NoNestedArrays() @ValidateNested({ each: true }) @Type(() => ExcludedMatterDto) excludedMatters!: ExcludedMatterDto[];
  @ValidateIf((o: IntakeSettingsDto) => o.archive !== null) @IsObject() @ValidateNested() @Type(() => ArchiveRuleDto) archive!: ArchiveRuleDto | null;
}

/** When two tickets are one matter (001 Art. 13). */
class MergeSettingsDto {
  @IsDefined() @IsBoolean() enabled!: boolean;
  @IsDefined() @IsInt() @Min(1) @Max(24 * 365) windowHours!: number;
  @IsDefined() @IsNumber() @Min(0.05) @Max(1) minSimilarity!: number;
  @IsDefined() @IsArray() @IsIn(['accepted', 'disputed', 'dispatched', 'signed', 'contacted', 'objected', 'replied'], { each: true }) openStates!: string[];
}

/** Work-order rules (003 Art. 4(三), Art. 7): when a bouncing ticket is flagged, when the office may terminate. */
class WorkOrderSettingsDto {
  @IsDefined() @IsInt() @Min(0) @Max(20) maxBounces!: number;
  @IsDefined() @IsInt() @Min(1) @Max(10) unsatisfiedBeforeTerminate!: number;
}

const SETTINGS = {
  intake: { dto: IntakeSettingsDto, defaults: DEFAULT_INTAKE_CONFIG },
  merge: { dto: MergeSettingsDto, defaults: DEFAULT_MERGE_CONFIG },
  work_order: { dto: WorkOrderSettingsDto, defaults: DEFAULT_WORK_ORDER_CONFIG },
} as const;
type SettingName = keyof typeof SETTINGS;

function settingName(name: string): SettingName {
  // Own keys only: `in` would accept 'constructor', 'toString', '__proto__' (Object.prototype's).
  if (!Object.prototype.hasOwnProperty.call(SETTINGS, name)) throw new HubError(404, 'not_found', `no setting "${name}"; settings are ${Object.keys(SETTINGS).join(', ')}`);
  return name as SettingName;
}

/** The office's own rules for intake and merging; the router reads them on every ticket. */
@ApiTags('office: settings')
@ApiBearerAuth()
@Controller('office/settings')
export class OfficeSettingsController {
  constructor(private readonly ds: DataSource) {}

  @Get(':name')
  @Roles('admin', ...OFFICE_ROLES)
  @ApiOperation({ summary: 'The current intake or merge settings (defaults where never set)' })
  get(@Param('name') name: string) {
    const n = settingName(name);
    return officeSetting(this.ds, n, SETTINGS[n].defaults as unknown as Record<string, unknown>);
  }

  @Put(':name')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Replace the intake settings (flagged matters: litigation, arbitration …; archive rule) or the merge settings' })
  async put(@Param('name') name: string, @Body() body: unknown, @CurrentActor() actor: HubActor) {
    const n = settingName(name);
    const v = validateBody(SETTINGS[n].dto as new () => object, body);
    if (!v.ok) throw new ValidationFailed(v.fields);
    await this.ds.query(
      `INSERT INTO office_settings (name, value, updated_by) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [n, JSON.stringify(v.value), `${actor.role}:${actor.id}`],
    );
    return v.value;
  }
}
