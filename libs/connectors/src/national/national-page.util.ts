import { contentHash } from '../common/content-hash.util';
import { type FieldError, validateBody } from '../common/validate-body.util';
import { NationalTransferDto, NationalTransferPageDto } from './national-transfer.dto';

export type TransferPageItem =
  | { ok: true; value: NationalTransferDto; contentHash: string }
  /** `transferId` when the item had a usable one, so the poller can record and report the reject */
  | { ok: false; fields: FieldError[]; transferId?: string; raw: unknown };

export type TransferPageResult =
  | { ok: true; items: TransferPageItem[]; nextCursor: string | null }
  | { ok: false; fields: FieldError[] };

/**
 * Validates a page: the envelope as a whole, then each transfer on its own. Paths of item errors are
 * relative to the item ('submitter.phone').
 */
export function validateTransferPage(body: unknown): TransferPageResult {
  const page = validateBody(NationalTransferPageDto, body);
  if (!page.ok) return page;
  const items = page.value.items.map((raw): TransferPageItem => {
    const item = validateBody(NationalTransferDto, raw);
    if (item.ok) return { ok: true, value: item.value, contentHash: contentHash(item.value) };
    const id: unknown = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).transferId : undefined;
    return typeof id === 'string' && id.length > 0 && id.length <= 64
      ? { ok: false, fields: item.fields, transferId: id, raw }
      : { ok: false, fields: item.fields, raw };
  });
  return { ok: true, items, nextCursor: page.value.nextCursor ?? null };
}
