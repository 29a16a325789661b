/**
 * Bodies of the units' work-order API. Validated by the app's BodyValidationPipe (unknown fields dropped, no
 * type coercion, precise `fields[].path`); the swagger decorators only document them at /docs.
 */
import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsHttpUrl, IsNotBlank, IsSha256Hex, LIMITS, NoNestedArrays, OptionalField, stacked } from '@hub/connectors/common';

/** Free text written by staff (reports, reasons, notes). */
export const TEXT = { short: 2000, long: 20000 } as const;

export class DocumentDto {
  @ApiProperty({ example: '现场检查记录.pdf', maxLength: LIMITS.attachmentName })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(LIMITS.attachmentName)
  name!: string;

  @ApiProperty({ example: 'https://files.example.gov.cn/a.pdf' })
  @IsDefined()
  @IsString()
  @IsHttpUrl()
  url!: string;

  @ApiPropertyOptional({ description: 'hex SHA-256 of the file' })
  @OptionalField()
  @IsString()
  @IsSha256Hex()
  sha256?: string;
}

/** An optional list of documents (attachments), at most LIMITS.attachmentsCount. */
export function DocumentsField(): PropertyDecorator {
  return stacked(
    ApiPropertyOptional({ type: [DocumentDto] }),
    OptionalField(),
    IsArray(),
    ArrayMaxSize(LIMITS.attachmentsCount),
    NoNestedArrays(),
    ValidateNested({ each: true }),
    Type(() => DocumentDto),
  );
}

/** `sealedDocument` (docs/contracts.md#national-messages): the digest is required, the national platform checks it. */
export class SealedDocumentDto {
  @ApiProperty({ example: '办结报告（盖章）.pdf', maxLength: LIMITS.attachmentName })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(LIMITS.attachmentName)
  name!: string;

  @ApiProperty({ example: 'https://files.example.gov.cn/sealed.pdf' })
  @IsDefined()
  @IsString()
  @IsHttpUrl()
  url!: string;

  @ApiProperty({ description: 'hex SHA-256 of the file' })
  @IsDefined()
  @IsString()
  @IsSha256Hex()
  sha256!: string;
}

export class ContactDto {
  @ApiPropertyOptional({ description: 'how the citizen was reached (phone, visit …); kept in the log', maxLength: TEXT.short })
  @OptionalField()
  @IsString()
  @MaxLength(TEXT.short)
  note?: string;
}

export class ReplyDto {
  @ApiProperty({ description: '办结报告: what was found and done', maxLength: TEXT.long })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.long)
  report!: string;

  @ApiProperty({ description: '答复要点: the answer the source passes on to the citizen (谁承办，谁答复)', maxLength: TEXT.short * 2 })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short * 2)
  replyPoints!: string;

  @DocumentsField()
  attachments?: DocumentDto[];

  @ApiPropertyOptional({ description: 'after a reopen (重办): the same conclusion as before; unsatisfied callbacks keep counting (沪府办〔2020〕49号 Art. 4(三))' })
  @OptionalField()
  @IsBoolean()
  maintainsPreviousAnswer?: boolean;

  @ApiPropertyOptional({ description: '当场办结 (Yunnan Measures Art. 13(一)): concluded on the spot; every open duty clock is met with this reply (docs/clock.md#yunnan)' })
  @OptionalField()
  @IsBoolean()
  onTheSpot?: boolean;

  @ApiPropertyOptional({ description: '审核人; required for national transfers (docs/contracts.md#national-messages)', maxLength: LIMITS.personName })
  @OptionalField()
  @IsString()
  @IsNotBlank()
  @MaxLength(LIMITS.personName)
  approvedBy?: string;

  @ApiPropertyOptional({ type: SealedDocumentDto, description: 'the sealed conclusion; required for national transfers (docs/contracts.md#national-messages)' })
  @OptionalField()
  @IsObject()
  @ValidateNested()
  @Type(() => SealedDocumentDto)
  sealedDocument?: SealedDocumentDto;
}

export class ObjectionDto {
  @ApiProperty({ description: '退单理由: why the matter is not this unit’s', maxLength: TEXT.short })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  reason!: string;

  @ApiProperty({ description: '法定依据 (载明相关依据, 沪府办〔2020〕49号 Art. 7(一))', maxLength: TEXT.short })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  legalBasis!: string;

  @ApiProperty({ description: '建议承办单位: a unit code of the directory', example: '310104-GOV' })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(LIMITS.code)
  suggestedUnit!: string;
}

export class ExtensionRequestDto {
  @ApiProperty({ description: 'the new last day of the resolve deadline (a working day within the policy cap)', example: '2026-12-15' })
  @IsDefined()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date YYYY-MM-DD' })
  dueDate!: string;

  @ApiProperty({ description: 'why the matter is especially hard (特别疑难, 沪府办〔2020〕49号 Art. 5)', maxLength: TEXT.short })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.short)
  reason!: string;
}

export class AppealDto {
  @ApiProperty({ description: '书面申辩: why the 差评 is untrue, mistaken or malicious (沪府办〔2020〕49号 Art. 6)', maxLength: TEXT.long })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.long)
  reason!: string;

  @ApiProperty({ type: [DocumentDto], description: 'the evidence (at least one document)' })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.attachmentsCount)
  @NoNestedArrays()
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  evidence!: DocumentDto[];
}

export class CoInputDto {
  @ApiProperty({ description: '协办意见 for the lead unit, which answers for everyone (Shenzhen Draft ch. 4)', maxLength: TEXT.long })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxLength(TEXT.long)
  content!: string;

  @DocumentsField()
  attachments?: DocumentDto[];
}
