/**
 * The office's clock setting (`office_settings.clocks`, docs/clock.md#policies): its own policies
 * beside the presets (e.g. an urgent tier in hours) and the table that picks one per source, kind
 * and urgency (e.g. a Yunnan hub's default `yunnan-2-3-10`). Checked here, once, both when the
 * office saves it (each problem named by its path) and when a clock is started.
 */
import { TICKET_KINDS, SOURCES } from '../model/ticket';
import { CLOCK_POLICIES, defineClockPolicy, type ClockPolicy, type ClockPolicyInput } from './clock-policy';
import { DEFAULT_POLICY_TABLE, type PolicySelectionRule, type PolicySelectionTable } from './policy-selection';

export interface ClockSettings {
  /** the office's own policies; their ids may not reuse a preset's */
  policies: readonly ClockPolicyInput[];
  table: PolicySelectionTable;
}

export interface CompiledClockSettings {
  /** presets and the office's policies by id */
  policies: Readonly<Record<string, ClockPolicy>>;
  table: PolicySelectionTable;
}

export const DEFAULT_CLOCK_SETTINGS: ClockSettings = Object.freeze({ policies: Object.freeze([]) as readonly ClockPolicyInput[], table: DEFAULT_POLICY_TABLE });

export type ClockSettingsResult = { ok: true; value: CompiledClockSettings } | { ok: false; errors: Array<{ path: string; message: string }> };

const URGENCIES = ['normal', 'urgent'];

export function compileClockSettings(raw: ClockSettings): ClockSettingsResult {
  const errors: Array<{ path: string; message: string }> = [];
  const policies: Record<string, ClockPolicy> = { ...CLOCK_POLICIES };
  const list = Array.isArray(raw.policies) ? raw.policies : [];
  list.forEach((input, i) => {
    const id = (input as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id.trim() === '') return void errors.push({ path: `policies[${i}].id`, message: 'a policy needs an id' });
    if (Object.prototype.hasOwnProperty.call(policies, id)) return void errors.push({ path: `policies[${i}].id`, message: `${id} is already a policy (presets: ${Object.keys(CLOCK_POLICIES).join(', ')})` });
    try {
      policies[id] = defineClockPolicy({ ...input, name: input.name ?? id, basis: input.basis ?? 'office setting', dispatchClocks: input.dispatchClocks ?? [] });
    } catch (e) {
      errors.push({ path: `policies[${i}]`, message: e instanceof Error ? e.message : String(e) });
    }
  });
  const table = raw.table ?? DEFAULT_POLICY_TABLE;
  const known = (id: unknown): boolean => typeof id === 'string' && Object.prototype.hasOwnProperty.call(policies, id);
  if (!known(table.defaultPolicyId)) errors.push({ path: 'table.defaultPolicyId', message: `unknown policy ${JSON.stringify(table.defaultPolicyId)}` });
  const rules: readonly PolicySelectionRule[] = Array.isArray(table.rules) ? table.rules : [];
  if (!Array.isArray(table.rules)) errors.push({ path: 'table.rules', message: 'must be an array' });
  rules.forEach((r, i) => {
    if (!known(r?.policyId)) errors.push({ path: `table.rules[${i}].policyId`, message: `unknown policy ${JSON.stringify(r?.policyId)}` });
    if (r?.source !== undefined && !(SOURCES as readonly string[]).includes(r.source)) errors.push({ path: `table.rules[${i}].source`, message: `must be one of ${SOURCES.join(', ')}` });
    if (r?.kind !== undefined && !(TICKET_KINDS as readonly string[]).includes(r.kind)) errors.push({ path: `table.rules[${i}].kind`, message: `must be one of ${TICKET_KINDS.join(', ')}` });
    if (r?.urgency !== undefined && !URGENCIES.includes(r.urgency)) errors.push({ path: `table.rules[${i}].urgency`, message: `must be one of ${URGENCIES.join(', ')}` });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { policies, table: { rules: rules.map((r) => ({ ...r })), defaultPolicyId: table.defaultPolicyId } } };
}
