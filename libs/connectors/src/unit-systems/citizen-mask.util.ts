import type { Citizen } from '@hub/rules/model/ticket';

/** 张三 → 张*, 13812345678 → 138****5678, 11010519491231002X → 110105********002X */
export function maskCitizen(citizen: Citizen): Citizen {
  const out: Citizen = { anonymous: citizen.anonymous, confidential: citizen.confidential };
  if (citizen.name !== undefined) out.name = maskName(citizen.name);
  if (citizen.phone !== undefined) out.phone = maskMiddle(citizen.phone, 3, 4);
  if (citizen.idType !== undefined) out.idType = citizen.idType;
  if (citizen.idNumber !== undefined) out.idNumber = maskMiddle(citizen.idNumber, 6, 4);
  return out;
}

function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** Keeps `head` and `tail` characters when the value is long enough to still hide most of it. */
function maskMiddle(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}
