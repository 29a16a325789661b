import { validateBody } from '../common/validate-body.util';
import { validateTransferPage } from './national-page.util';
import { NationalTransferDto } from './national-transfer.dto';
import { mapNationalTransfer } from './national.mapper';

function transfer(): Record<string, unknown> {
  return {
    transferId: 'GB-2026-000123',
    transferredAt: '2026-11-20T10:00:00+08:00',
    level: 'special',
    dueAt: '2026-11-27T10:00:00+08:00',
    regionCode: '310104',
    title: '反映某小区噪声扰民',
    content: '夜间施工噪声',
    submitter: { name: '赵六', phone: '(010) 6234 5678', idNumber: '11010519491231002x' },
    serviceItemCode: 'SI-9',
    unitName: '徐汇区生态环境局',
    categoryCode: 'C05',
    attachments: [{ name: 'a.jpg', url: 'https://gb.example.cn/a.jpg' }],
  };
}

function paths(body: unknown): string[] {
  const r = validateBody(NationalTransferDto, body);
  return r.ok ? [] : r.fields.map((f) => f.path);
}

describe('NationalTransferDto', () => {
  it('accepts a transfer', () => {
    expect(paths(transfer())).toEqual([]);
  });

  it.each(['transferId', 'transferredAt', 'level', 'regionCode', 'title', 'content', 'submitter'])('reports a missing %s', (field) => {
    const body = transfer();
    delete body[field];
    expect(paths(body)).toEqual([field]);
  });

  it('requires dueAt for special and urgent, not for general', () => {
    const body = transfer();
    delete body.dueAt;
    expect(paths(body)).toEqual(['dueAt']);
    expect(paths({ ...body, level: 'urgent' })).toEqual(['dueAt']);
    expect(paths({ ...body, level: 'general' })).toEqual([]);
    expect(paths({ ...body, level: 'general', dueAt: 'tomorrow' })).toEqual(['dueAt']);
  });

  it('is loose on the submitter: an unrecognised id number is kept', () => {
    expect(paths({ ...transfer(), submitter: { idNumber: 'HK-A123456(7)' } })).toEqual([]);
    expect(paths({ ...transfer(), submitter: { phone: 'call me' } })).toEqual(['submitter.phone']);
  });

  it('rejects a bad region code and level', () => {
    expect(paths({ ...transfer(), regionCode: '31010' })).toEqual(['regionCode']);
    expect(paths({ ...transfer(), level: 'normal' })).toEqual(['level']);
  });
});

describe('validateTransferPage', () => {
  it('validates each item on its own', () => {
    const bad = { ...transfer(), transferId: 'GB-BAD', regionCode: 'x' };
    const r = validateTransferPage({ items: [transfer(), bad, 'junk'], nextCursor: 'c2' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.nextCursor).toBe('c2');
    expect(r.items[0]).toMatchObject({ ok: true, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(r.items[1]).toMatchObject({ ok: false, transferId: 'GB-BAD', fields: [{ path: 'regionCode' }] });
    expect(r.items[2]).toMatchObject({ ok: false, fields: [{ path: '' }] });
  });

  it('reads a null or missing nextCursor as null', () => {
    expect(validateTransferPage({ items: [], nextCursor: null })).toEqual({ ok: true, items: [], nextCursor: null });
    expect(validateTransferPage({ items: [] })).toEqual({ ok: true, items: [], nextCursor: null });
  });

  it('rejects a broken envelope', () => {
    expect(validateTransferPage({ nextCursor: 'x' })).toMatchObject({ ok: false, fields: [{ path: 'items' }] });
    expect(validateTransferPage({ items: [], nextCursor: 5 })).toMatchObject({ ok: false, fields: [{ path: 'nextCursor' }] });
    expect(validateTransferPage('<html>')).toMatchObject({ ok: false, fields: [{ path: '' }] });
  });
});

describe('mapNationalTransfer', () => {
  const dto = (body: Record<string, unknown>): NationalTransferDto => {
    const r = validateBody(NationalTransferDto, body);
    if (!r.ok) throw new Error(JSON.stringify(r.fields));
    return r.value;
  };

  it('maps a transfer', () => {
    expect(mapNationalTransfer(dto(transfer()))).toEqual({
      source: 'national',
      sourceRecord: 'transfer',
      externalId: 'GB-2026-000123',
      kind: 'complaint',
      channel: 'national',
      categoryCode: 'C05',
      title: '反映某小区噪声扰民',
      content: '夜间施工噪声',
      citizen: { name: '赵六', phone: '(010) 6234 5678', idType: 'id_card', idNumber: '11010519491231002X', anonymous: false, confidential: false },
      serviceItemCode: 'SI-9',
      location: { regionCode: '310104' },
      urgency: 'normal',
      complex: false,
      designatedUnitName: '徐汇区生态环境局',
      attachments: [{ name: 'a.jpg', url: 'https://gb.example.cn/a.jpg' }],
      receivedAt: '2026-11-20T10:00:00+08:00',
      national: { level: 'special', dueAt: '2026-11-27T10:00:00+08:00', transferredAt: '2026-11-20T10:00:00+08:00' },
    });
  });

  it('makes urgent transfers urgent; keeps an unrecognised id number without type; anonymous without identity', () => {
    const urgent = mapNationalTransfer(dto({ ...transfer(), level: 'urgent', submitter: { idNumber: 'HK-A123456(7)' } }));
    expect(urgent.urgency).toBe('urgent');
    expect(urgent.citizen).toEqual({ idNumber: 'HK-A123456(7)', anonymous: false, confidential: false });
    const general = transfer();
    delete general.dueAt;
    general.level = 'general';
    general.submitter = {};
    const ticket = mapNationalTransfer(dto(general));
    expect(ticket.national).toEqual({ level: 'general', transferredAt: '2026-11-20T10:00:00+08:00' });
    expect(ticket.citizen).toEqual({ anonymous: true, confidential: false });
  });
});
