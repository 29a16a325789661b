/**
 * Property tests: random action sequences by random actors.
 *
 * A purely random action is almost never legal, so a walk would stay in `received`. Each step is
 * therefore generated as a *seed* and turned into an action against the current context (see
 * chooseAction/chooseActor): 17 in 20 steps take an action some actor may take now, mostly by a
 * role the rules name for it acting as this order's lead (60 %) or co-handler (20 %); the rest is
 * anything (random action, role and unit). About 1 in 5 texts is blank and 1 in 30 actions has
 * wrongly typed fields. Walks that would end at once (not_accept, withdraw, …) are damped so the
 * deep states get visited. On top of the walk, each property probes the contexts it is about with
 * every action by every actor, so a "never" does not depend on the walk trying the forbidden move.
 *
 * Reproducible: fixed SEED; NUM_RUNS = 200 walks of 10..MAX_STEPS = 60 steps per property (≈ 7 000
 * walk steps, plus probes: up to ~500 000 transitions for the probe-everything properties), about
 * 10 s for the file. The last test asserts that the walks visit every state.
 */
import fc from 'fast-check';
import { allowedActions, createWorkOrder, transition } from './work-order-machine';
import { sampleAction } from './work-order.fixture';
import { ACTION_RULES } from './work-order.rules';
import {
  ACTION_NAMES,
  ACTOR_ROLES,
  CLOCK_NAMES,
  STATUS_EVENT_TYPES,
  TERMINAL_STATES,
  UNIT_WORK_ORDER_TYPES,
  WORK_ORDER_STATES,
} from './work-order.types';
import type { ActionName, Actor, ActorRole, Effect, WorkOrderAction, WorkOrderContext, WorkOrderState } from './work-order.types';

const SEED = 20261122;
const NUM_RUNS = 200;
const MAX_STEPS = 60;
const UNITS = ['u1', 'u2', 'u3', 'u4', 'u5'] as const;
/** index 0 and 1 are invalid where a text is required (about 1 in 5 draws) */
const TEXTS = ['', '  ', 'reason', 'another reason', 'see attachment', 'because', 'per 沪府办〔2020〕49号 Art. 7', 'photo', 'ok', 'no'] as const;
const DATES = ['2026-12-31', '2027-01-15', '2026-02-30', 'soon'] as const;

interface StepSeed {
  /** which action: 17 in 20 from the legal ones, mostly avoiding the ones that end the ticket */
  index: number;
  ruleActor: boolean;
  role: number;
  /** 0: the lead (60 %), 1: the first co-handler (20 %), 2–3: some other unit */
  who: number;
  unit: number;
  text: number;
  date: number;
  flag: boolean;
  flag2: boolean;
  coCount: number;
  score: number;
  garbage: boolean;
}

const stepSeed: fc.Arbitrary<StepSeed> = fc.record({
  index: fc.nat(1000),
  ruleActor: fc.nat(9).map((n) => n < 8),
  role: fc.nat(ACTOR_ROLES.length - 1),
  who: fc.nat(9).map((n) => (n < 6 ? 0 : n < 8 ? 1 : n - 6)),
  unit: fc.nat(UNITS.length - 1),
  text: fc.nat(TEXTS.length - 1),
  date: fc.nat(DATES.length - 1),
  flag: fc.boolean(),
  flag2: fc.boolean(),
  coCount: fc.nat(2),
  score: fc.integer({ min: 0, max: 6 }),
  garbage: fc.nat(29).map((n) => n === 0),
});

const ticket = fc.record({
  origin: fc.constantFrom(
    { source: 'hotline', kind: 'complaint' } as const,
    { source: 'hotline', kind: 'suggestion' } as const,
    { source: 'ywtb', kind: 'evaluation' } as const,
    { source: 'national', kind: 'complaint' } as const,
  ),
  maxBounces: fc.nat(3),
  unsatisfiedBeforeTerminate: fc.integer({ min: 1, max: 3 }),
});

type Walk = typeof walk extends fc.Arbitrary<infer T> ? T : never;
const walk = fc.record({ ticket, steps: fc.array(stepSeed, { minLength: 10, maxLength: MAX_STEPS, size: 'max' }) });

/** Actions that end the ticket: taken rarely, or most walks would be over after a step or two. */
const ENDINGS: readonly ActionName[] = ['not_accept', 'archive', 'merge', 'return', 'withdraw'];
/** Actions that keep the ticket where it is or send it back to `dispatched`: taken less often. */
const IDLE: readonly ActionName[] = ['supplement', 'urge', 'supervise', 'co_input', 'designate', 'set_lead'];

/**
 * 17 in 20 steps pick an action some role may take now: any of them in 1 of 10 such steps,
 * anything but an ending in 1 of 4, otherwise one that moves the ticket along.
 */
function chooseAction(ctx: WorkOrderContext, s: StepSeed): ActionName {
  if (s.index % 20 >= 17) return ACTION_NAMES[s.index % ACTION_NAMES.length];
  const legal = ACTION_NAMES.filter((name) => handlers(ctx).some((actor) => allowedActions(ctx, actor).includes(name)));
  const open = legal.filter((name) => !ENDINGS.includes(name));
  const moving = open.filter((name) => !IDLE.includes(name));
  const wanted = s.index % 10 === 0 ? legal : s.index % 4 === 0 ? open : moving;
  const pool = [wanted, open, legal].find((candidates) => candidates.length > 0);
  return pool === undefined ? ACTION_NAMES[s.index % ACTION_NAMES.length] : pool[Math.floor(s.index / 20) % pool.length];
}

/** One actor of each role, units acting as this order's lead and first co-handler. */
function handlers(ctx: WorkOrderContext): Actor[] {
  return [
    { role: 'system' },
    { role: 'office' },
    { role: 'authority' },
    { role: 'unit', unitCode: ctx.unit ?? 'u1' },
    { role: 'co', unitCode: ctx.coUnits[0] ?? 'u2' },
  ];
}

function chooseActor(ctx: WorkOrderContext, name: ActionName, s: StepSeed): Actor {
  const rule = ACTION_RULES[name];
  const role: ActorRole = s.ruleActor ? rule.actors[s.role % rule.actors.length] : ACTOR_ROLES[s.role];
  if (role !== 'unit' && role !== 'co') return { role };
  const unitCode =
    s.who === 0 ? (ctx.unit ?? UNITS[s.unit]) : s.who === 1 ? (ctx.coUnits[0] ?? UNITS[s.unit]) : UNITS[s.unit];
  return { role, unitCode };
}

function buildAction(ctx: WorkOrderContext, name: ActionName, s: StepSeed): WorkOrderAction {
  const text = TEXTS[s.text];
  const unit = UNITS[s.unit];
  const co = UNITS.filter((c) => c !== unit).slice(s.unit % 2, (s.unit % 2) + s.coCount);
  const score = s.score as 1;
  if (s.garbage) {
    // Wrongly typed input, as an untyped HTTP body could carry.
    return { ...sampleAction(name, ctx), unit: 42, reason: null, visit: 'yes', coUnits: 'u1' } as unknown as WorkOrderAction;
  }
  switch (name) {
    case 'accept':
    case 'sign':
    case 'contact':
      return { type: name };
    case 'not_accept':
      return { type: name, reason: text };
    case 'archive':
      return s.flag ? { type: name, reason: text } : { type: name };
    case 'dispute':
      return s.flag ? { type: name, reason: text } : { type: name };
    case 'withdraw':
      return s.flag ? { type: name, reason: text } : { type: name };
    case 'merge':
      return { type: name, into: s.flag ? 'T-1' : text };
    case 'return':
      return { type: name, reason: s.flag ? 'out_of_jurisdiction' : 'incomplete_elements', detail: text };
    case 'dispatch':
      return { type: name, unit, designated: s.flag, coUnits: s.flag2 ? co : [...co, unit] };
    case 'designate':
      return s.flag2 ? { type: name, unit } : { type: name, unit, coUnits: co };
    case 'reply':
      return { type: name, replyPoints: s.text === 0 ? '' : 'answer', maintainsPreviousAnswer: s.flag };
    case 'object':
      return { type: name, reason: text, suggestedUnit: unit, withinWindow: s.flag || s.flag2 };
    case 'review_objection':
      return s.flag
        ? { type: name, decision: 'accepted', ...(s.flag2 ? { unit } : {}) }
        : { type: name, decision: 'refused', reason: text };
    case 'request_extension':
      return { type: name, reason: text, dueDate: DATES[s.date] };
    case 'review_extension':
      return s.flag
        ? { type: name, decision: 'approved', ...(s.flag2 ? { dueDate: DATES[s.date] } : {}) }
        : { type: name, decision: 'refused', reason: text };
    case 'appeal':
      return { type: name, reason: text };
    case 'review_appeal':
      return { type: name, decision: s.flag ? 'upheld' : 'refused' };
    case 'callback':
      return { type: name, visit: { satisfied: s.flag, result: score, note: text } };
    case 'reopen':
      return { type: name, reason: text };
    case 'terminate':
      return { type: name, reason: text };
    case 'supervise':
      return { type: name, reason: text };
    case 'co_input':
      return { type: name, content: text };
    case 'set_lead':
      return s.flag2
        ? { type: name, lead: s.flag ? (ctx.coUnits[0] ?? unit) : unit }
        : { type: name, lead: ctx.unit ?? unit, coUnits: co };
    case 'supplement':
    case 'urge':
      return s.flag ? { type: name, content: text } : { type: name };
  }
}

interface Transition {
  before: WorkOrderContext;
  action: WorkOrderAction;
  actor: Actor;
  result: ReturnType<typeof transition>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Run one walk; `onStep` sees every transition, including the probes. `probe` picks the contexts
 * to probe with every action by every actor; each distinct context is probed once.
 */
function runWalk(
  w: Walk,
  onStep: (t: Transition) => void,
  probe: (ctx: WorkOrderContext) => boolean = () => false,
): WorkOrderContext {
  let ctx = deepFreeze(
    createWorkOrder({
      ...w.ticket.origin,
      config: { maxBounces: w.ticket.maxBounces, unsatisfiedBeforeTerminate: w.ticket.unsatisfiedBeforeTerminate },
    }),
  );
  const probed = new WeakSet<WorkOrderContext>();
  const attempt = (before: WorkOrderContext, action: WorkOrderAction, actor: Actor) => {
    const result = transition(before, action, actor);
    if (result.ok) deepFreeze(result.next);
    onStep({ before, action, actor, result });
    return result;
  };
  const maybeProbe = () => {
    if (probed.has(ctx) || !probe(ctx)) return;
    probed.add(ctx);
    for (const name of ACTION_NAMES) for (const actor of handlers(ctx)) attempt(ctx, sampleAction(name, ctx), actor);
  };
  for (const s of w.steps) {
    maybeProbe();
    const name = chooseAction(ctx, s);
    const result = attempt(ctx, buildAction(ctx, name, s), chooseActor(ctx, name, s));
    if (result.ok) ctx = result.next;
  }
  maybeProbe();
  return ctx;
}

const OPTIONS = { seed: SEED, numRuns: NUM_RUNS };
const isTerminal = (state: WorkOrderState): boolean => (TERMINAL_STATES as readonly string[]).includes(state);

/**
 * A plain assertion: fast-check reports the thrown message with the counterexample, and it is far
 * cheaper than `expect` in loops of hundreds of thousands of transitions.
 */
function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}
const show = (t: Transition): string => `${t.before.state} ${t.action.type} by ${JSON.stringify(t.actor)}`;
const HOLDS_UNIT: readonly WorkOrderState[] = ['dispatched', 'signed', 'contacted', 'objected', 'replied', 'appealed', 'closed'];

function checkEffect(t: Transition, next: WorkOrderContext, effect: Effect): void {
  const where = () => `${show(t)}: bad effect ${JSON.stringify(effect)}`;
  switch (effect.kind) {
    case 'status':
      check(STATUS_EVENT_TYPES.includes(effect.type) && next.source !== 'national', where);
      break;
    case 'work_order':
      check(UNIT_WORK_ORDER_TYPES.includes(effect.type) && effect.unit.length > 0, where);
      break;
    case 'clock':
      check(CLOCK_NAMES.includes(effect.clock), where);
      break;
    case 'national':
      check(next.source === 'national', where);
      break;
    case 'flag_bounced':
      check(effect.bounces > effect.maxBounces && effect.bounces === next.bounces, where);
      break;
  }
}

const everything = (): boolean => true;

describe('work-order machine — properties', () => {
  it('never reaches an undefined or inconsistent state', () => {
    fc.assert(
      fc.property(walk, (w) => {
        runWalk(
          w,
          (t) => {
            if (!t.result.ok) return;
            const next = t.result.next;
            const fail = (what: string) => () => `${show(t)} → ${next.state}: ${what}`;
            check(WORK_ORDER_STATES.includes(next.state), fail('unknown state'));
            check(!HOLDS_UNIT.includes(next.state) || next.unit !== null, fail('no unit'));
            check(next.unit === null || !next.coUnits.includes(next.unit), fail('lead is also co'));
            check(new Set(next.coUnits).size === next.coUnits.length, fail('duplicate co'));
            check(
              (next.previousState !== null) === (next.state === 'objected' || next.state === 'appealed'),
              fail('previousState out of step'),
            );
            check((next.pendingObjection !== null) === (next.state === 'objected'), fail('pendingObjection out of step'));
            check(next.unsatisfiedOnAnswer >= 0 && next.bounces >= 0, fail('negative counter'));
            for (const effect of t.result.effects) checkEffect(t, next, effect);
          },
          everything,
        );
      }),
      OPTIONS,
    );
  });

  it('a failed transition leaves the context unchanged and lists what this actor may do', () => {
    fc.assert(
      fc.property(walk, (w) => {
        runWalk(
          w,
          (t) => {
            // `before` is deep-frozen, so a mutation would have thrown inside `transition`.
            if (t.result.ok) return;
            const expected = allowedActions(t.before, t.actor);
            check(t.result.state === t.before.state, () => `${show(t)}: error reports state ${t.result.ok}`);
            check(
              t.result.allowed.length === expected.length && t.result.allowed.every((a, i) => a === expected[i]),
              () => `${show(t)}: allowed ${t.result.ok ? '' : t.result.allowed.join()} ≠ ${expected.join()}`,
            );
            check(t.result.message.length > 0, () => `${show(t)}: empty message`);
          },
          everything,
        );
      }),
      OPTIONS,
    );
  });

  it('allowedActions and transition agree', () => {
    fc.assert(
      fc.property(walk, (w) => {
        runWalk(
          w,
          (t) => {
            const listed = allowedActions(t.before, t.actor).includes(t.action.type);
            check(!t.result.ok || listed, () => `${show(t)}: succeeded but not listed`);
            // Listed actions fail only on input (invalid_input) or input-dependent rules (not_allowed).
            check(t.result.ok || !listed || t.result.error !== 'wrong_actor', () => `${show(t)}: listed but wrong_actor`);
          },
          everything,
        );
      }),
      OPTIONS,
    );
  });

  it('a closed ticket leaves closed only by an office reopen', () => {
    fc.assert(
      fc.property(walk, (w) => {
        runWalk(
          w,
          (t) => {
            if (t.before.state !== 'closed' || !t.result.ok || t.result.next.state === 'closed') return;
            check(t.action.type === 'reopen' && t.actor.role === 'office', () => `${show(t)} left closed`);
          },
          (ctx) => ctx.state === 'closed',
        );
      }),
      OPTIONS,
    );
  });

  it('a designated assignment is never objected', () => {
    fc.assert(
      fc.property(walk, (w) => {
        runWalk(
          w,
          (t) => {
            if (t.action.type !== 'object') return;
            check(!(t.result.ok && t.before.designated), () => `${show(t)}: designated unit objected`);
            if (t.before.designated) {
              check(!t.result.ok && t.result.error !== 'invalid_input', () => `${show(t)}: not refused as such`);
            }
          },
          (ctx) => ctx.designated,
        );
      }),
      OPTIONS,
    );
  });

  it('terminal states accept no action at all', () => {
    fc.assert(
      fc.property(walk, (w) => {
        const checked = new WeakSet<WorkOrderContext>();
        runWalk(
          w,
          (t) => {
            if (!isTerminal(t.before.state)) return;
            check(!t.result.ok && t.result.error === 'not_allowed', () => `${show(t)}: accepted in a terminal state`);
            check(t.result.ok || t.result.allowed.length === 0, () => `${show(t)}: lists allowed actions`);
            if (checked.has(t.before)) return;
            checked.add(t.before);
            for (const role of ACTOR_ROLES) {
              check(allowedActions(t.before, role).length === 0, () => `${t.before.state}: ${role} has actions`);
            }
          },
          (ctx) => isTerminal(ctx.state),
        );
      }),
      OPTIONS,
    );
  });

  it('the walks visit every state (the generator is not stuck at intake)', () => {
    const seen = new Set<WorkOrderState>();
    fc.assert(
      fc.property(walk, (w) => {
        runWalk(w, ({ result }) => {
          if (result.ok) seen.add(result.next.state);
        });
      }),
      OPTIONS,
    );
    expect([...seen].sort()).toEqual([...WORK_ORDER_STATES].sort());
  });
});
