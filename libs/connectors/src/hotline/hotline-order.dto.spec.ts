import { residentIdCheckChar } from '../common/id-number.validator';
import { validateBody } from '../common/validate-body.util';
import { HotlineOrderEventDto } from './hotline-order-event.dto';
import { HotlineOrderDto } from './hotline-order.dto';

const ID_CARD = '11010519491231002X';

function validOrder(): Record<string, unknown> {
  return {
    orderNo: 'HL-20261120-0001',
    receivedAt: '2026-11-20T09:12:33+08:00',
    channel: 'phone',
    kind: 'complaint',
    categoryCode: 'C0301',
    title: '小区门口路灯不亮',
    content: '某某路 100 弄门口路灯已坏一周，夜间出行不便。',
    citizen: { name: '张三', phone: '13812345678', idType: 'id_card', idNumber: ID_CARD, anonymous: false, confidential: true },
    respondent: { name: '某物业公司', unitCode: 'U-1' },
    serviceItemCode: 'S-001',
    location: { regionCode: '310104', address: '某某路 100 弄', lng: 121.43, lat: 31.18 },
    urgency: 'urgent',
    complex: true,
    designatedUnitCode: 'U-XH',
    attachments: [{ name: 'photo.jpg', url: 'https://files.example.cn/a.jpg', sha256: 'a'.repeat(64) }],
  };
}

function paths(body: unknown): string[] {
  const r = validateBody(HotlineOrderDto, body);
  return r.ok ? [] : r.fields.map((f) => f.path);
}

function withCitizen(patch: Record<string, unknown>): Record<string, unknown> {
  const body = validOrder();
  body.citizen = { ...(body.citizen as object), ...patch };
  return body;
}

describe('HotlineOrderDto', () => {
  it('accepts a complete order', () => {
    const r = validateBody(HotlineOrderDto, validOrder());
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.value).toBeInstanceOf(HotlineOrderDto);
  });

  it('accepts a minimal order', () => {
    const { respondent: _r, serviceItemCode: _s, location: _l, urgency: _u, complex: _c, designatedUnitCode: _d, attachments: _a, ...minimal } =
      validOrder();
    minimal.citizen = { anonymous: true, confidential: false };
    expect(paths(minimal)).toEqual([]);
  });

  it.each(['orderNo', 'receivedAt', 'channel', 'kind', 'categoryCode', 'title', 'content', 'citizen'])(
    'reports a missing %s at its path',
    (field) => {
      const body = validOrder();
      delete body[field];
      expect(paths(body)).toEqual([field]);
    },
  );

  it.each(['anonymous', 'confidential'])('reports a missing citizen.%s', (field) => {
    const body = validOrder();
    delete (body.citizen as Record<string, unknown>)[field];
    expect(paths(body)).toEqual([`citizen.${field}`]);
  });

  it('reports nested and indexed paths', () => {
    const body = validOrder();
    body.attachments = [
      { name: 'ok.jpg', url: 'https://files.example.cn/a.jpg', sha256: 'a'.repeat(64) },
      { name: 'bad.jpg', url: 'not a url', sha256: 'a'.repeat(64) },
      null,
    ];
    (body.location as Record<string, unknown>).regionCode = '3101';
    expect(paths(body)).toEqual(['location.regionCode', 'attachments[1].url', 'attachments[2]']);
  });

  it('gives messages a person can act on', () => {
    const body = validOrder();
    body.receivedAt = '2026-11-20T09:12:33';
    const r = validateBody(HotlineOrderDto, body);
    expect(r).toEqual({
      ok: false,
      fields: [{ path: 'receivedAt', message: 'receivedAt must be an RFC 3339 time with an offset, e.g. 2026-11-20T09:12:33+08:00' }],
    });
  });

  it.each([
    ['orderNo', 'x'.repeat(65)],
    ['title', 'x'.repeat(201)],
    ['content', 'x'.repeat(20001)],
    ['categoryCode', 'x'.repeat(65)],
    ['serviceItemCode', 'x'.repeat(65)],
    ['designatedUnitCode', 'x'.repeat(65)],
  ])('enforces the maximum length of %s', (field, value) => {
    const body = validOrder();
    body[field] = value;
    expect(paths(body)).toEqual([field]);
  });

  it('accepts the maximum lengths themselves', () => {
    const body = validOrder();
    Object.assign(body, { orderNo: 'x'.repeat(64), title: '题'.repeat(200), content: '文'.repeat(20000) });
    expect(paths(body)).toEqual([]);
  });

  it.each([
    ['channel', 'fax'],
    ['kind', 'evaluation'],
    ['urgency', 'high'],
    ['complex', 'true'],
    ['title', '   '],
    ['orderNo', 42],
    ['citizen', 'anonymous'],
    ['citizen', []],
    ['location', { regionCode: 310104 }],
    ['attachments', { name: 'x' }],
  ])('rejects %s = %p', (field, value) => {
    const body = validOrder();
    body[field] = value;
    expect(paths(body)[0]).toMatch(new RegExp(`^${field}`));
  });

  it.each([
    [{ phone: '1381234567' }, 'citizen.phone'],
    [{ idType: 'driver_licence' }, 'citizen.idType'],
    [{ idNumber: '110105194912310021' }, 'citizen.idNumber'],
    [{ idType: 'uscc', idNumber: ID_CARD }, 'citizen.idNumber'],
    [{ idType: 'passport', idNumber: 'E12' }, 'citizen.idNumber'],
    [{ anonymous: 'no' }, 'citizen.anonymous'],
  ])('checks the citizen %p', (patch, path) => {
    expect(paths(withCitizen(patch))).toEqual([path]);
  });

  it('names the check-digit problem', () => {
    const r = validateBody(HotlineOrderDto, withCitizen({ idNumber: '110105194912310021' }));
    expect(!r.ok && r.fields[0].message).toBe('idNumber has a wrong check digit (idType id_card)');
  });

  it('accepts idNumber without idType only when a check digit recognises it', () => {
    expect(paths(withCitizen({ idType: undefined, idNumber: ID_CARD }))).toEqual([]);
    expect(paths(withCitizen({ idType: undefined, idNumber: '91350100M000100Y43' }))).toEqual([]);
    expect(paths(withCitizen({ idType: undefined, idNumber: 'E12345678' }))).toEqual(['citizen.idNumber']);
    expect(paths(withCitizen({ idType: 'passport', idNumber: 'E12345678' }))).toEqual([]);
  });

  it('accepts generated ID numbers', () => {
    const first17 = '31010419900307123';
    expect(paths(withCitizen({ idNumber: first17 + residentIdCheckChar(first17) }))).toEqual([]);
  });

  it('treats null and "" as absent for optional fields, and drops them', () => {
    const body = withCitizen({ name: '', phone: null, idType: null, idNumber: '' });
    body.serviceItemCode = null;
    body.designatedUnitCode = '';
    const r = validateBody(HotlineOrderDto, body);
    expect(r.ok).toBe(true);
    const value = r.ok ? r.value : undefined;
    expect(value).not.toHaveProperty('serviceItemCode');
    expect(value).not.toHaveProperty('designatedUnitCode');
    expect(value?.citizen).toEqual({ anonymous: false, confidential: true });
  });

  it('ignores and strips unknown fields at every level', () => {
    const body = withCitizen({ wechatOpenId: 'o-123' });
    body.newField = { anything: true };
    (body.attachments as Record<string, unknown>[])[0].size = 1024;
    const r = validateBody(HotlineOrderDto, body);
    expect(r.ok).toBe(true);
    const value = JSON.parse(JSON.stringify(r.ok ? r.value : null)) as Record<string, unknown>;
    expect(value).not.toHaveProperty('newField');
    expect(value.citizen).not.toHaveProperty('wechatOpenId');
    expect((value.attachments as object[])[0]).not.toHaveProperty('size');
  });

  it('is not fooled by a __proto__ member', () => {
    const body = JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(validOrder()).slice(1)}`) as unknown;
    const r = validateBody(HotlineOrderDto, body);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([null, [], 'text', 42, true])('rejects a body that is not an object: %p', (body) => {
    expect(validateBody(HotlineOrderDto, body)).toEqual({ ok: false, fields: [{ path: '', message: 'body must be a JSON object' }] });
  });

  it('does not convert types', () => {
    const body = validOrder();
    (body.location as Record<string, unknown>).lng = '121.43';
    expect(paths(body)).toEqual(['location.lng']);
  });
});

describe('HotlineOrderEventDto', () => {
  const event = { eventId: 'EV-1', type: 'urge', occurredAt: '2026-11-21T10:00:00+08:00', content: '请尽快处理' };

  it('accepts an event, content optional', () => {
    expect(validateBody(HotlineOrderEventDto, event).ok).toBe(true);
    const { content: _c, ...noContent } = event;
    expect(validateBody(HotlineOrderEventDto, noContent).ok).toBe(true);
  });

  it.each(['eventId', 'type', 'occurredAt'])('requires %s', (field) => {
    const body: Record<string, unknown> = { ...event };
    delete body[field];
    const r = validateBody(HotlineOrderEventDto, body);
    expect(!r.ok && r.fields.map((f) => f.path)).toEqual([field]);
  });

  it('rejects an unknown type', () => {
    const r = validateBody(HotlineOrderEventDto, { ...event, type: 'cancel' });
    expect(!r.ok && r.fields.map((f) => f.path)).toEqual(['type']);
  });
});
