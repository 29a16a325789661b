/**
 * The 差评 windows (docs/rules.md, item 4).
 * 沪府办〔2020〕49号 Art. 6(二): "复核认定为不属实评价的，承办单位自收到工单之日起15个工作日内，通过“12345”市民服务
 * 热线按照不属实评价办结" — the appeal is filed and decided within 15 WD of receipt of the order.
 * Art. 7(二): "提出异议的承办单位自收到工单之日起5个工作日内……作退单处理" — the 退单 happens within 5 WD:
 * an objection still unreviewed then lapses (treated as refused; the unit carries on, the office may designate).
 */
import { transition } from './work-order-machine';
import { AUTHORITY, OFFICE, SYSTEM, newTicket, run, unitActor } from './work-order.fixture';
import type { Effect, WorkOrderContext } from './work-order.types';

const U = unitActor('u1');
const clockOps = (effects: readonly Effect[]): string[] => effects.flatMap((e) => (e.kind === 'clock' ? [`${e.op}:${e.clock}`] : []));
const signedEvaluation = (): WorkOrderContext =>
  run(newTicket('ywtb', 'evaluation'), [
    [{ type: 'accept' }, SYSTEM],
    [{ type: 'dispatch', unit: 'u1' }, SYSTEM],
    [{ type: 'sign' }, U],
  ]).ctx;

describe('差评 appeal window: filed and decided within 15 WD of receipt (沪府办〔2020〕49号 Art. 6(二))', () => {
  it('an appeal after day 15 is refused', () => {
    expect(transition(signedEvaluation(), { type: 'appeal', reason: '评价不属实', withinWindow: false }, U)).toMatchObject({
      ok: false,
      error: 'not_allowed',
      message: expect.stringContaining('15 working days'),
    });
  });

  it('an appeal inside the window may be upheld inside it, not after', () => {
    const appealed = run(signedEvaluation(), [[{ type: 'appeal', reason: '评价不属实', withinWindow: true }, U]]).ctx;
    expect(appealed.state).toBe('appealed');
    expect(transition(appealed, { type: 'review_appeal', decision: 'upheld', withinWindow: false }, AUTHORITY)).toMatchObject({ ok: false, message: expect.stringContaining('差评 stands') });
    expect(transition(appealed, { type: 'review_appeal', decision: 'upheld', withinWindow: true }, AUTHORITY)).toMatchObject({ ok: true, next: { state: 'unfounded' } });
  });

  it('an appeal still pending at the end lapses: the hub refuses it and the unit handles the 差评', () => {
    const appealed = run(signedEvaluation(), [[{ type: 'appeal', reason: '评价不属实', withinWindow: true }, U]]).ctx;
    const lapsed = transition(appealed, { type: 'review_appeal', decision: 'refused', reason: '复核期限届满', withinWindow: false }, SYSTEM);
    expect(lapsed).toMatchObject({ ok: true, next: { state: 'signed' } });
  });
});

describe('objection window: the 退单 happens within 5 WD of receipt (沪府办〔2020〕49号 Art. 7(二))', () => {
  const objected = (): WorkOrderContext =>
    run(signedEvaluation(), [[{ type: 'object', reason: '不属于本部门受理范围', suggestedUnit: 'u2', withinWindow: true }, U]]).ctx;

  it('the window keeps running while the authority reviews', () => {
    const r = transition(signedEvaluation(), { type: 'object', reason: '不属于本部门', suggestedUnit: 'u2', withinWindow: true }, U);
    expect(r.ok && clockOps(r.effects)).toEqual([]);
  });

  it('accepting after the window is refused; the office may still designate', () => {
    expect(transition(objected(), { type: 'review_objection', decision: 'accepted', withinWindow: false }, AUTHORITY)).toMatchObject({
      ok: false,
      message: expect.stringContaining('5 working days'),
    });
    expect(transition(objected(), { type: 'designate', unit: 'u2' }, OFFICE)).toMatchObject({ ok: true, next: { state: 'dispatched', unit: 'u2' } });
  });

  it('an objection unreviewed at the end lapses: refused by the hub, the unit carries on, the window clock stops', () => {
    const r = transition(objected(), { type: 'review_objection', decision: 'refused', reason: '复核期限届满' }, SYSTEM);
    if (!r.ok) throw new Error(r.message);
    expect(r.next).toMatchObject({ state: 'signed', pendingObjection: null });
    expect(clockOps(r.effects)).toEqual(['stop:objection']);
  });
});
