import { DEFAULT_WORK_ORDER_CONFIG, createWorkOrder, transition, type Actor, type WorkOrderAction, type WorkOrderContext } from '@hub/rules/lifecycle';
import { fieldOfMachineMessage } from './work-order.errors';

const SYSTEM: Actor = { role: 'system' };
const OFFICE: Actor = { role: 'office' };
const UNIT: Actor = { role: 'unit', unitCode: 'U1' };

function dispatched(): WorkOrderContext {
  let ctx = createWorkOrder({ source: 'hotline', kind: 'complaint', config: DEFAULT_WORK_ORDER_CONFIG });
  for (const a of [{ type: 'accept' }, { type: 'dispatch', unit: 'U1' }] as WorkOrderAction[]) {
    const r = transition(ctx, a, SYSTEM);
    if (!r.ok) throw new Error(r.message);
    ctx = r.next;
  }
  return ctx;
}

/** The path the API reports for the machine's own invalid_input messages. */
function pathFor(action: WorkOrderAction, actor: Actor, ctx = dispatched()): string {
  const r = transition(ctx, action, actor);
  if (r.ok || r.error !== 'invalid_input') throw new Error(`expected invalid_input, got ${JSON.stringify(r)}`);
  return fieldOfMachineMessage(action.type, r.message);
}

describe('fieldOfMachineMessage: the machine speaks in messages, the API in field paths', () => {
  it.each<[string, WorkOrderAction, Actor, string]>([
    ['suggesting oneself', { type: 'object', reason: 'r', suggestedUnit: 'U1', withinWindow: true }, UNIT, 'suggestedUnit'],
    ['an objection without grounds', { type: 'object', reason: ' ', suggestedUnit: 'U2', withinWindow: true }, UNIT, 'reason'],
    ['a lead that is also a co-handler', { type: 'designate', unit: 'U2', coUnits: ['U2'] }, OFFICE, 'coUnits'],
    ['a lead new to the matter', { type: 'set_lead', lead: 'U9' }, OFFICE, 'lead'],
    ['supervision without a reason', { type: 'supervise', reason: '' }, OFFICE, 'reason'],
  ])('%s', (_name, action, actor, path) => {
    expect(pathFor(action, actor)).toBe(path);
  });

  it('a bad score of a callback names the score', () => {
    let ctx = dispatched();
    for (const a of [{ type: 'sign' }, { type: 'contact' }, { type: 'reply', replyPoints: 'p' }] as WorkOrderAction[]) {
      const r = transition(ctx, a, UNIT);
      if (!r.ok) throw new Error(r.message);
      ctx = r.next;
    }
    const action = { type: 'callback', visit: { satisfied: true, result: 7 } } as unknown as WorkOrderAction;
    expect(pathFor(action, OFFICE, ctx)).toBe('result');
  });
});
