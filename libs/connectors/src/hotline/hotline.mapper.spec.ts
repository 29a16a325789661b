import type { CanonicalTicket } from '@hub/rules/model/ticket';
import { validateBody } from '../common/validate-body.util';
import { HotlineOrderDto } from './hotline-order.dto';
import { mapHotlineOrder } from './hotline.mapper';

function map(body: Record<string, unknown>): CanonicalTicket {
  const r = validateBody(HotlineOrderDto, body);
  if (!r.ok) throw new Error(JSON.stringify(r.fields));
  return mapHotlineOrder(r.value);
}

const base = {
  orderNo: 'HL-1',
  receivedAt: '2026-11-20T09:12:33+08:00',
  channel: 'wechat',
  kind: 'request',
  categoryCode: 'C01',
  title: '求助',
  content: '内容',
  citizen: { anonymous: true, confidential: false },
};

describe('mapHotlineOrder', () => {
  it('maps a minimal order with the contract defaults', () => {
    expect(map(base)).toEqual({
      source: 'hotline',
      sourceRecord: 'order',
      externalId: 'HL-1',
      kind: 'request',
      channel: 'wechat',
      categoryCode: 'C01',
      title: '求助',
      content: '内容',
      citizen: { anonymous: true, confidential: false },
      urgency: 'normal',
      complex: false,
      attachments: [],
      receivedAt: '2026-11-20T09:12:33+08:00',
    });
  });

  it('maps every optional field', () => {
    const ticket = map({
      ...base,
      citizen: { name: '李四', phone: '021-62345678', idNumber: '11010519491231002x', anonymous: false, confidential: true },
      respondent: { name: '王五', unitCode: 'U-9' },
      serviceItemCode: 'S-1',
      location: { regionCode: '310104001', address: '某路 1 号', lng: 121.4, lat: 31.2 },
      urgency: 'urgent',
      complex: true,
      designatedUnitCode: 'U-XH',
      attachments: [{ name: 'a.pdf', url: 'https://f.example.cn/a.pdf', sha256: 'AB'.repeat(32) }],
    });
    expect(ticket).toMatchObject({
      // idType inferred from the check digit, the check character upper-cased
      citizen: { name: '李四', phone: '021-62345678', idType: 'id_card', idNumber: '11010519491231002X', anonymous: false, confidential: true },
      respondent: { name: '王五', unitCode: 'U-9' },
      serviceItemCode: 'S-1',
      location: { regionCode: '310104001', address: '某路 1 号', lng: 121.4, lat: 31.2 },
      urgency: 'urgent',
      complex: true,
      designatedUnitCode: 'U-XH',
      attachments: [{ name: 'a.pdf', url: 'https://f.example.cn/a.pdf', sha256: 'ab'.repeat(32) }],
    });
  });

  it('leaves out an empty respondent and an idType without number', () => {
    const ticket = map({ ...base, respondent: {}, citizen: { idType: 'passport', anonymous: false, confidential: false } });
    expect(ticket).not.toHaveProperty('respondent');
    expect(ticket.citizen).toEqual({ anonymous: false, confidential: false });
  });
});
