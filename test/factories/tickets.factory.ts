import { randomUUID } from 'node:crypto';
import { residentIdCheckChar, usccCheckChar } from '@hub/connectors/common';

let seq = 0;
const next = (): number => ++seq;

/** A valid 18-digit resident ID with its check digit. */
export function validIdCard(birth = '19900101', serial = '123'): string {
  const first17 = `310101${birth}${serial}`;
  return first17 + residentIdCheckChar(first17);
}

/** A valid 统一社会信用代码 with its check character. */
export function validUscc(body = '91310000MA1FL0000'): string {
  return body + usccCheckChar(body);
}

/** Test citizens' phones are all 139 0000 xxxx: the log scan looks for them. */
export function testPhone(n = next()): string {
  return `1390000${String(n % 10000).padStart(4, '0')}`;
}

export function hotlineOrder(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = next();
  return {
    orderNo: `HL${Date.now()}${n}`,
    receivedAt: '2026-11-20T09:12:33+08:00',
    channel: 'phone',
    kind: 'complaint',
    categoryCode: '0101',
    title: `餐馆后厨卫生问题 ${n}`,
    content: '市民反映某餐馆后厨卫生条件差，存在食品安全隐患，要求相关部门查处。',
    citizen: { name: '张三', phone: testPhone(n), idType: 'id_card', idNumber: validIdCard(), anonymous: false, confidential: false },
    location: { regionCode: '310104', address: '徐汇区某路1号' },
    urgency: 'normal',
    complex: false,
    ...over,
  };
}

export function ywtbEvaluation(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = next();
  return {
    evaluationId: `EV${Date.now()}${n}`,
    projectNo: `PJ${n}`,
    serviceItemCode: '310000-SCJG-XK-001',
    serviceItemName: '食品经营许可',
    unitCode: '310104-MARKET',
    channel: 'app',
    rating: 1,
    reasons: ['办理时间长'],
    comment: '窗口办理等待时间太长，材料要求反复变化。',
    evaluatedAt: '2026-11-20T10:00:00+08:00',
    applicant: { name: '李四', phone: testPhone(n) },
    ...over,
  };
}

export function ywtbSuggestion(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = next();
  return {
    suggestionId: `SG${Date.now()}${n}`,
    submittedAt: '2026-11-20T11:00:00+08:00',
    channel: 'portal',
    categoryCode: '0101',
    title: `建议 ${n}`,
    content: '建议加强对小餐馆后厨卫生的日常检查频次。',
    citizen: { name: '王五', phone: testPhone(n), anonymous: false, confidential: false },
    location: { regionCode: '310104' },
    ...over,
  };
}

export function nationalTransfer(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = next();
  return {
    transferId: `NT${randomUUID().slice(0, 8)}${n}`,
    transferredAt: '2026-11-20T08:00:00+08:00',
    level: 'general',
    regionCode: '310104',
    title: `国办转办件 ${n}`,
    content: '群众反映某企业长期拖欠工资，请依法处理。',
    submitter: { name: '赵六', phone: testPhone(n) },
    categoryCode: '0101',
    ...over,
  };
}
