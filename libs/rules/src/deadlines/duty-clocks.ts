/**
 * Which duty clocks apply to a citizen (docs/rules.md, item 9). An anonymous citizen gave no way to
 * be reached: there is no 先行联系 to do (沪府办〔2020〕49号 Art. 5 "先行联系反映问题的企业和群众" presumes
 * someone to contact), so no contact clock runs and no unit is supervised for missing it.
 */
import type { ClockType } from './clock-policy';

export function applicableClocks(types: readonly ClockType[], citizen: { anonymous: boolean }): ClockType[] {
  return citizen.anonymous ? types.filter((t) => t !== 'contact') : [...types];
}
