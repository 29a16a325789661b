import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsRegionCode } from '@hub/connectors/common';

class TryRespondentDto {
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MaxLength(64) unitCode?: string;
}

class TryLocationDto {
  @IsDefined() @IsString() @IsRegionCode() regionCode!: string;
}

/** A hypothetical ticket to route (only what the rules read). */
export class TryRouteDto {
  @IsDefined() @IsIn(['hotline', 'ywtb', 'national']) source!: 'hotline' | 'ywtb' | 'national';
  @IsDefined() @IsString() @MaxLength(200) title!: string;
  @IsDefined() @IsString() @MaxLength(20000) content!: string;
  @IsOptional() @IsString() @MaxLength(64) categoryCode?: string;
  @IsOptional() @IsString() @MaxLength(64) serviceItemCode?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TryRespondentDto) respondent?: TryRespondentDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TryLocationDto) location?: TryLocationDto;
  @IsOptional() @IsString() @MaxLength(64) designatedUnitCode?: string;
  @IsOptional() @IsString() @MaxLength(200) designatedUnitName?: string;
}
