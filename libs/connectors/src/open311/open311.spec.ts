import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { shanghaiDirectory } from '@hub/rules/directory/testing/shanghai-directory.fixture';
import { WORK_ORDER_STATES } from '@hub/rules/lifecycle/work-order.types';
import { OPEN311_UPDATE_EVENT_TYPES } from '@hub/store/repositories/open311.repository';
import {
  Open311Error,
  UPDATE_EVENT_TYPES,
  XML_DECLARATION,
  checkAttributes,
  checkPostRequest,
  encodeErrors,
  encodeRequests,
  encodeServiceDefinition,
  hubAttributes,
  isW3cDateTime,
  mapOpen311Request,
  open311Services,
  open311Status,
  parseOpen311Form,
  personName,
  presentRequest,
  regionInAddress,
  serviceDefinition,
  statesWithStatus,
  updateStatus,
  type Open311Attribute,
} from '.';

const dir = shanghaiDirectory();
const parse = (xml: string): Record<string, unknown> => new XMLParser({ parseTagValue: false }).parse(xml) as Record<string, unknown>;
const thrown = (fn: () => unknown): Open311Error => {
  try {
    fn();
  } catch (e) {
    return e as Open311Error;
  }
  throw new Error('did not throw');
};

describe('Open311 encoders', () => {
  it('writes the declaration, the spec element names and escapes text', () => {
    const xml = encodeErrors('xml', [{ code: 400, description: 'a <b> & "c"\u0001' }]);
    expect(xml.startsWith(`${XML_DECLARATION}\n<errors><error><code>400</code>`)).toBe(true);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parse(xml)).toMatchObject({ errors: { error: { code: '400', description: 'a <b> & "c"' } } });
    expect(JSON.parse(encodeErrors('json', [{ code: 404, description: 'x' }]))).toEqual([{ code: 404, description: 'x' }]);
  });

  it('wraps lists in their item elements and writes null as an empty element', () => {
    const def = serviceDefinition(dir, '0101')!;
    const doc = parse(encodeServiceDefinition('xml', def)) as { service_definition: { attributes: { attribute: Array<{ values?: { value: unknown[] } }> } } };
    expect(doc.service_definition.attributes.attribute).toHaveLength(def.attributes.length);
    expect(doc.service_definition.attributes.attribute[0].values?.value.length).toBe(dir.regions.size);
    const xml = encodeRequests('xml', []);
    expect(xml).toBe(`${XML_DECLARATION}\n<service_requests></service_requests>`);
    expect(encodeRequests('json', [])).toBe('[]');
  });
});

describe('Open311 status mapping', () => {
  it('is closed exactly in closed and the terminal states; the two filters split every state', () => {
    expect(open311Status('replied')).toBe('open');
    expect(open311Status('closed')).toBe('closed');
    expect(open311Status('merged')).toBe('closed');
    expect([...statesWithStatus('open'), ...statesWithStatus('closed')].sort()).toEqual([...WORK_ORDER_STATES].sort());
  });

  it("maps the hub's events to FixMyStreet's statuses as the issue lists", () => {
    expect(updateStatus('accepted', 'accepted')).toBe('OPEN');
    expect(updateStatus('dispatched', 'dispatched')).toBe('INVESTIGATING');
    expect(updateStatus('signed', 'signed')).toBe('INVESTIGATING');
    expect(updateStatus('contacted', 'contacted')).toBe('ACTION_SCHEDULED');
    expect(updateStatus('replied', 'replied')).toBe('FIXED');
    expect(updateStatus('called_back', 'closed')).toBe('CLOSED');
    expect(updateStatus('called_back', 'dispatched')).toBe('IN_PROGRESS');
    expect(updateStatus('merged', 'merged')).toBe('DUPLICATE');
    expect(updateStatus('not_accepted', 'not_accepted')).toBe('NOT_COUNCILS_RESPONSIBILITY');
    expect(updateStatus('returned', 'returned')).toBe('NOT_COUNCILS_RESPONSIBILITY');
    expect(updateStatus('redispatched', 'dispatched')).toBe('INTERNAL_REFERRAL');
    expect(updateStatus('terminated', 'terminated')).toBe('NO_FURTHER_ACTION');
    expect(updateStatus('supervised', 'dispatched')).toBeUndefined();
  });

  it('selects in SQL exactly the events it maps (the partial index predicate)', () => {
    expect([...OPEN311_UPDATE_EVENT_TYPES].sort()).toEqual([...UPDATE_EVENT_TYPES].sort());
  });
});

describe('Open311 services', () => {
  it('offers the leaf categories, grouped by their parent', () => {
    const services = open311Services(dir);
    expect(services.find((s) => s.service_code === '0101')).toMatchObject({ service_name: '食品安全', group: '市场监管', type: 'realtime', metadata: true });
    expect(services.some((s) => s.service_code === '01')).toBe(false);
  });
});

describe('Open311 forms', () => {
  it('reads fields and attributes, repeated attributes as a list; refuses unknown and repeated fields', () => {
    const f = parseOpen311Form('service_code=0101&attribute%5Bregion%5D=310115&attribute%5Btags%5D%5B%5D=a&attribute%5Btags%5D%5B%5D=b&lat=&description=%E5%9C%B0');
    expect(f).toEqual({ fields: { service_code: '0101', description: '地' }, attributes: { region: ['310115'], tags: ['a', 'b'] } });
    expect(thrown(() => parseOpen311Form('service_code=1&service_code=2')).status).toBe(400);
    expect(thrown(() => parseOpen311Form('colour=red')).message).toContain('colour');
  });

  const defined: Open311Attribute[] = [
    { variable: true, code: 'n', datatype: 'number', required: true, datatype_description: null, order: 1, description: '' },
    { variable: true, code: 'd', datatype: 'datetime', required: false, datatype_description: null, order: 2, description: '' },
    { variable: true, code: 's', datatype: 'string', required: false, datatype_description: null, order: 3, description: '' },
    { variable: true, code: 't', datatype: 'text', required: false, datatype_description: null, order: 4, description: '' },
    { variable: true, code: 'one', datatype: 'singlevaluelist', required: false, datatype_description: null, order: 5, description: '', values: [{ key: 'a', name: 'A' }, { key: 'b', name: 'B' }] },
    { variable: true, code: 'many', datatype: 'multivaluelist', required: false, datatype_description: null, order: 6, description: '', values: [{ key: 'a', name: 'A' }, { key: 'b', name: 'B' }] },
  ];

  it('checks every datatype of the spec', () => {
    expect(checkAttributes({ n: ['3.5'], d: ['2026-12-06T09:30:00+08:00'], s: ['x'], t: ['a\nb'], one: ['a'], many: ['a', 'b'] }, defined)).toBeDefined();
    const e = thrown(() => checkAttributes({ d: ['2026-13-01T00:00:00Z'], s: ['a\nb'], one: ['a', 'b'], many: ['c'] }, defined));
    expect(e.errors.map((x) => x.description)).toEqual([
      'attribute[n] is required',
      'attribute[d] must be an ISO 8601 date-time with a time zone',
      'attribute[s] must be one line',
      'attribute[one] takes one value',
      'attribute[many] has no value "c"',
    ]);
    expect(isW3cDateTime('2026-12-06T09:30+08:00')).toBe(true);
    expect(isW3cDateTime('2026-12-06T09:30:00')).toBe(false);
  });
});

describe('Open311 requests as tickets', () => {
  const form = (fields: Record<string, string>, attributes: Record<string, string[]> = {}) => ({ fields: { service_code: '0603', description: '路灯不亮已经三天了，请尽快维修。', ...fields }, attributes });

  it('routes by the region attribute first, then by a district named in the address, else to the jurisdiction', () => {
    const ctx = { externalId: 'req:1', receivedAt: '2026-12-06T01:00:00.000Z', serviceName: '市容环境' };
    const byAttr = mapOpen311Request(checkPostRequest(form({ address_string: '浦东新区世纪大道1号' }, { region: ['310104'] }), dir), dir, ctx);
    expect(byAttr.location?.regionCode).toBe('310104');
    const byAddress = mapOpen311Request(checkPostRequest(form({ address_string: '上海市浦东新区世纪大道1号' }), dir), dir, ctx);
    expect(byAddress.location).toEqual({ regionCode: '310115', address: '上海市浦东新区世纪大道1号' });
    const byPoint = mapOpen311Request(checkPostRequest(form({ lat: '31.23', long: '121.47' }), dir), dir, ctx);
    expect(byPoint.location).toEqual({ regionCode: '310000', lat: 31.23, lng: 121.47 });
    expect(byPoint).toMatchObject({ source: 'open311', sourceRecord: 'request', kind: 'request', urgency: 'normal', categoryCode: '0603' });
    expect(byPoint.citizen).toEqual({ anonymous: true, confidential: false });
  });

  it('finds the one region an address names, and none when two of the same length could be meant', () => {
    expect(regionInAddress(dir, '黄浦区南京东路')).toBe('310101');
    expect(regionInAddress(dir, '南京东路')).toBeUndefined();
  });

  it('takes the citizen and the attributes; names in Chinese order', () => {
    const t = mapOpen311Request(
      checkPostRequest(form({ address_id: 'A-1', first_name: '小明', last_name: '王', phone: '13800138000' }, { urgency: ['urgent'], kind: ['complaint'], confidential: ['yes'], respondent: ['某物业公司'] }), dir),
      dir,
      { externalId: 'x', receivedAt: '2026-12-06T01:00:00.000Z', serviceName: '市容环境' },
    );
    expect(t.citizen).toEqual({ name: '王小明', phone: '13800138000', anonymous: false, confidential: true });
    expect(t).toMatchObject({ urgency: 'urgent', kind: 'complaint', respondent: { name: '某物业公司' } });
    expect(t.content).toContain('地址编号：A-1');
    expect(personName('John', 'Smith')).toBe('John Smith');
  });

  it('hides a confidential request text and place from the public answer', () => {
    const base = { id: 'i', state: 'closed', categoryCode: '0101', description: '内容', addressId: 'A', address: '某路', lat: 1, lng: 2, mediaUrl: 'https://x/y.jpg', unitCode: null, receivedAt: new Date(0), updatedAt: new Date(0), resolveDue: null, replyPoints: '已处理' };
    expect(presentRequest({ ...base, confidential: false }, dir)).toMatchObject({ status: 'closed', description: '内容', lat: 1, long: 2, status_notes: '已处理', service_name: '食品安全' });
    expect(presentRequest({ ...base, confidential: true }, dir)).toMatchObject({ description: null, lat: null, long: null, address: null, status_notes: null, media_url: null });
  });

  it('offers region, kind, urgency, confidential, respondent and occurred_at, all optional', () => {
    expect(hubAttributes(dir).map((a) => [a.code, a.required])).toEqual([
      ['region', false], ['kind', false], ['urgency', false], ['confidential', false], ['respondent', false], ['occurred_at', false],
    ]);
  });
});
