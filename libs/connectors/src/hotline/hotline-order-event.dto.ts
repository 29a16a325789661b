/**
 * `POST /connectors/hotline/orders/{orderNo}/events`: later news from the citizen (docs/contracts.md#hotline-order-events),
 * idempotent on eventId. The orderNo comes from the path.
 */
import 'reflect-metadata';
import { IsDefined, IsIn, IsString, MaxLength } from 'class-validator';
import { IsNotBlank, IsRfc3339WithOffset, OptionalField } from '../common/wire-format.decorators';
import { LIMITS } from '../common/wire-format.validator';

/** 补充 / 催办 / 撤诉 */
export const HOTLINE_ORDER_EVENT_TYPES = ['supplement', 'urge', 'withdraw'] as const;
export type HotlineOrderEventType = (typeof HOTLINE_ORDER_EVENT_TYPES)[number];

export class HotlineOrderEventDto {
  @IsDefined() @IsString() @IsNotBlank() @MaxLength(LIMITS.id) eventId!: string;
  @IsDefined() @IsIn(HOTLINE_ORDER_EVENT_TYPES) type!: HotlineOrderEventType;
  @IsDefined() @IsRfc3339WithOffset() occurredAt!: string;
  @OptionalField() @IsString() @MaxLength(LIMITS.eventContent) content?: string;
}
