/** What the routing rules share while route() runs: the trace they write, the place, the choice (dispatch.engine.ts). */
import type { CompiledDirectory, DirectoryUnit } from '../directory';
import type { DisputeReasonCode, RoutingInput, RoutingRule, TraceStep, TraceStepName, TraceValue } from './dispatch.types';

export interface RouteContext {
  readonly ticket: RoutingInput;
  readonly dir: CompiledDirectory;
  readonly trace: TraceStep[];
  /** codes the ticket carries that the directory does not know, for the dispute reason */
  readonly unknownCodes: string[];
}

export interface Choice {
  rule: RoutingRule;
  unit: DirectoryUnit;
}

/** Where the ticket is, as far as 属地管理 needs: its district, or why it has none. */
export interface Place {
  regionCode?: string;
  district?: string;
  problem?: DisputeReasonCode;
  problemText?: string;
}

export function step(
  ctx: RouteContext,
  name: TraceStepName,
  result: TraceStep['result'],
  detail: string,
  data: Record<string, TraceValue> = {},
): void {
  ctx.trace.push({ step: name, result, detail, data });
}

export function label(unit: DirectoryUnit): string {
  return `${unit.name}（${unit.code}）`;
}

export function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The hotline office runs the dispute queue; it is never a handling unit, so a rule that names it
 * falls through (and, if nothing else fits, the ticket lands with the office anyway).
 */
export function handlingUnit(dir: CompiledDirectory, code: string): DirectoryUnit | undefined {
  const unit = dir.units.get(code);
  return unit && unit.kind !== 'office' ? unit : undefined;
}
