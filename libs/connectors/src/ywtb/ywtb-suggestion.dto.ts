/** `POST /connectors/ywtb/suggestions`: a suggestion from the portal or the 随申办 app (docs/contracts.md#ywtb-suggestions). */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CitizenDto, LocationDto } from '../common/shared.dto';
import { IsNotBlank, IsRfc3339WithOffset, OptionalField } from '../common/wire-format.decorators';
import { LIMITS } from '../common/wire-format.validator';

export const YWTB_SUGGESTION_CHANNELS = ['portal', 'app'] as const;
export type YwtbSuggestionChannel = (typeof YWTB_SUGGESTION_CHANNELS)[number];

export class YwtbSuggestionDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.id) suggestionId!: string;
  @IsDefined() @IsRfc3339WithOffset() submittedAt!: string;
  @IsDefined() @IsIn(YWTB_SUGGESTION_CHANNELS) channel!: YwtbSuggestionChannel;
  @OptionalField() @IsString() @MaxLength(LIMITS.code) categoryCode?: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.title) title!: string;
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.content) content!: string;

  /** "as docs/contracts.md#hotline-orders": anonymous and confidential are required here too */
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CitizenDto)
  citizen!: CitizenDto;

  @OptionalField() @IsString() @MaxLength(LIMITS.code) serviceItemCode?: string;

  @OptionalField()
  @IsObject()
  @ValidateNested()
  @Type(() => LocationDto)
  location?: LocationDto;
}
