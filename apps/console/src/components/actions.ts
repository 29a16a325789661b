/** What each work-order action asks for and where it is sent (the API at /docs). */
export type FieldKind = 'text' | 'textarea' | 'date' | 'unit' | 'units' | 'rate' | 'switch' | 'decision' | 'docs';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: Array<{ value: string | boolean; label: string }>;
  /** the API's field path this input answers for (its errors are shown here) */
  apiPath?: string;
  hint?: string;
}

export interface Ticket {
  id: string;
  source: string;
  state: string;
  allowedActions: string[];
  objections: Array<{ id: string | number; status: string; suggestedUnit?: string; suggested_unit?: string }>;
  appeals: Array<{ id: string | number; status: string }>;
  extensionRequests: Array<{ id: string | number; status: string }>;
  unit: { code: string; name: string } | null;
  coUnits: Array<{ code: string; name: string } | null>;
  history: Array<{ type: string }>;
  [k: string]: unknown;
}

export interface ActionSpec {
  name: string;
  /** the machine's action it takes (listed in `allowedActions`), when not `name` */
  action?: string;
  /** shown only for such tickets */
  shown?: (t: Ticket) => boolean;
  /** body members every submission carries */
  fixed?: Record<string, unknown>;
  title: string;
  fields: (t: Ticket) => FieldSpec[];
  path: (t: Ticket) => string;
  /** default values when the dialog opens the first time */
  defaults?: (t: Ticket) => Record<string, unknown>;
  danger?: boolean;
  done: string;
}

const hasAcceptanceClocks = (t: Ticket): boolean => ((t.clocks as Array<{ type: string }> | undefined) ?? []).some((c) => c.type === 'accept' || c.type === 'forward');
const reason = (label = '理由'): FieldSpec => ({ key: 'reason', label, kind: 'textarea', required: true });
const pending = (list: Array<{ id: string | number; status: string }>): string => String(list.find((x) => x.status === 'pending')?.id ?? '');
const RATE = (key: string, label: string): FieldSpec => ({ key, label, kind: 'rate', required: true });

export const UNIT_ACTIONS: ActionSpec[] = [
  { name: 'sign', title: '签收', fields: () => [], path: (t) => `/work-orders/${t.id}/sign`, done: '已签收' },
  { name: 'contact', title: '先行联系', fields: () => [{ key: 'note', label: '联系情况', kind: 'textarea', hint: '如：电话联系市民，约定上门时间' }], path: (t) => `/work-orders/${t.id}/contact`, done: '已记录先行联系' },
  {
    name: 'reply',
    title: '办结答复',
    fields: (t) => [
      { key: 'report', label: '办结报告', kind: 'textarea', required: true },
      { key: 'replyPoints', label: '答复要点', kind: 'textarea', required: true, hint: '由来源渠道转告市民' },
      ...(t.history.some((e) => e.type === 'reopened') ? [{ key: 'maintainsPreviousAnswer', label: '维持原答复', kind: 'switch' as const }] : []),
      // 当场办结 exists only under a table with acceptance clocks (e.g. Yunnan's 2/3/10; docs/clock.md)
      ...(hasAcceptanceClocks(t) ? [{ key: 'onTheSpot', label: '当场办结', kind: 'switch' as const, hint: '当场解决并答复的事项，受理、转办时限一并办结' }] : []),
      ...(t.source === 'national'
        ? [
            { key: 'approvedBy', label: '审核人', kind: 'text' as const, required: true },
            { key: 'sealedName', label: '盖章办结报告文件名', kind: 'text' as const, required: true, apiPath: 'sealedDocument' },
            { key: 'sealedUrl', label: '盖章办结报告网址', kind: 'text' as const, required: true, apiPath: 'sealedDocument' },
            { key: 'sealedSha256', label: '盖章办结报告 SHA-256', kind: 'text' as const, required: true, apiPath: 'sealedDocument' },
          ]
        : []),
      { key: 'attachments', label: '附件', kind: 'docs' },
    ],
    path: (t) => `/work-orders/${t.id}/reply`,
    done: '已提交办结答复',
  },
  {
    name: 'object',
    title: '退单',
    fields: () => [
      { key: 'reason', label: '退单理由', kind: 'textarea', required: true },
      { key: 'legalBasis', label: '法定依据', kind: 'textarea', required: true, hint: '载明职责依据（法规、三定方案等）' },
      { key: 'suggestedUnit', label: '建议承办单位', kind: 'unit', required: true },
    ],
    path: (t) => `/work-orders/${t.id}/objection`,
    danger: true,
    done: '退单申请已提交，等待热线办审核',
  },
  {
    name: 'request_extension',
    title: '申请延期',
    fields: () => [
      { key: 'dueDate', label: '延期至', kind: 'date', required: true },
      { key: 'reason', label: '延期理由', kind: 'textarea', required: true, hint: '特别疑难事项' },
    ],
    path: (t) => `/work-orders/${t.id}/extension-requests`,
    done: '延期申请已提交',
  },
  {
    name: 'appeal',
    title: '申诉',
    fields: () => [
      { key: 'reason', label: '申诉理由', kind: 'textarea', required: true },
      { key: 'evidence', label: '证据材料', kind: 'docs', required: true },
    ],
    path: (t) => `/work-orders/${t.id}/appeal`,
    done: '申诉已提交',
  },
  { name: 'co_input', title: '协办意见', fields: () => [{ key: 'content', label: '协办意见', kind: 'textarea', required: true }, { key: 'attachments', label: '附件', kind: 'docs' }], path: (t) => `/work-orders/${t.id}/co-input`, done: '协办意见已提交' },
];

export const OFFICE_ACTIONS: ActionSpec[] = [
  {
    name: 'designate',
    title: '指定承办',
    fields: () => [
      { key: 'unit', label: '承办单位', kind: 'unit', required: true },
      { key: 'coUnits', label: '协办单位', kind: 'units' },
    ],
    path: (t) => `/office/tickets/${t.id}/designate`,
    done: '已指定承办单位',
  },
  {
    name: 'review_objection',
    title: '退单审核',
    fields: () => [
      { key: 'decision', label: '审核结果', kind: 'decision', required: true, options: [{ value: 'accepted', label: '同意退单（改派）' }, { value: 'refused', label: '驳回' }] },
      { key: 'unit', label: '改派单位', kind: 'unit', hint: '默认为退单单位建议的单位' },
      { key: 'reason', label: '审核意见', kind: 'textarea', hint: '驳回时必填' },
    ],
    defaults: (t) => {
      const o = t.objections.find((x) => x.status === 'pending');
      return { decision: 'accepted', unit: o?.suggestedUnit ?? o?.suggested_unit ?? '' };
    },
    path: (t) => `/office/objections/${pending(t.objections)}/review`,
    done: '退单审核已完成',
  },
  {
    name: 'review_extension',
    title: '延期审批',
    fields: () => [
      { key: 'decision', label: '审批结果', kind: 'decision', required: true, options: [{ value: 'approved', label: '批准' }, { value: 'refused', label: '驳回' }] },
      { key: 'reason', label: '驳回理由', kind: 'textarea', hint: '驳回时必填' },
      { key: 'note', label: '备注', kind: 'textarea' },
    ],
    defaults: () => ({ decision: 'approved' }),
    path: (t) => `/office/extension-requests/${pending(t.extensionRequests)}/review`,
    done: '延期审批已完成',
  },
  {
    name: 'review_appeal',
    title: '申诉复核',
    fields: () => [
      { key: 'decision', label: '复核结果', kind: 'decision', required: true, options: [{ value: 'upheld', label: '申诉成立（不属实）' }, { value: 'refused', label: '驳回' }] },
      { key: 'reason', label: '复核意见', kind: 'textarea' },
    ],
    defaults: () => ({ decision: 'upheld' }),
    path: (t) => `/office/appeals/${pending(t.appeals)}/review`,
    done: '申诉复核已完成',
  },
  {
    name: 'callback',
    title: '回访',
    fields: () => [
      { key: 'satisfied', label: '是否满意', kind: 'decision', required: true, options: [{ value: true, label: '满意' }, { value: false, label: '不满意' }] },
      // the resolution rate counts what the citizen says here (docs/reports.md)
      { key: 'resolved', label: '问题是否解决', kind: 'decision', required: true, options: [{ value: true, label: '已解决' }, { value: false, label: '未解决' }] },
      RATE('result', '办理结果'),
      RATE('efficiency', '办理速度'),
      RATE('attitude', '服务态度'),
      { key: 'note', label: '回访记录', kind: 'textarea' },
    ],
    defaults: () => ({ satisfied: true, resolved: true, result: 5, efficiency: 5, attitude: 5 }),
    path: (t) => `/office/tickets/${t.id}/callback`,
    done: '回访已记录',
  },
  {
    // 联系不上: the office's set number of calls (an anonymous citizen's first) closes it; a national result needs the scores (docs/rules.md item 9b)
    name: 'callback_unreachable',
    action: 'callback',
    title: '回访未接通',
    shown: (t) => t.source !== 'national',
    fields: () => [{ key: 'note', label: '未接通情况', kind: 'textarea', hint: '如：两次拨打均无人接听' }],
    fixed: { unreachable: true },
    path: (t) => `/office/tickets/${t.id}/callback`,
    done: '已记录未接通的回访',
  },
  { name: 'reopen', title: '重办', fields: () => [reason('重办理由')], path: (t) => `/office/tickets/${t.id}/reopen`, done: '已退回重办' },
  { name: 'supervise', title: '督办', fields: () => [reason('督办事由')], path: (t) => `/office/tickets/${t.id}/supervise`, done: '已督办' },
  {
    name: 'set_lead',
    title: '主办/协办',
    fields: () => [
      { key: 'lead', label: '主办单位', kind: 'unit', required: true },
      { key: 'coUnits', label: '协办单位', kind: 'units' },
    ],
    defaults: (t) => ({ lead: t.unit?.code ?? '', coUnits: t.coUnits.filter((u) => u !== null).map((u) => u!.code) }),
    path: (t) => `/office/tickets/${t.id}/units`,
    done: '已设定主办/协办单位',
  },
  {
    name: 'merge',
    title: '合并',
    fields: () => [
      { key: 'into', label: '并入工单（工单 ID）', kind: 'text', required: true },
      { key: 'reason', label: '合并理由', kind: 'textarea' },
    ],
    path: (t) => `/office/tickets/${t.id}/merge`,
    done: '已合并',
  },
  { name: 'unmerge', title: '取消合并', fields: () => [reason('取消合并理由')], path: (t) => `/office/tickets/${t.id}/unmerge`, done: '已取消合并' },
  { name: 'terminate', title: '存电', fields: () => [reason('存电理由')], path: (t) => `/office/tickets/${t.id}/terminate`, danger: true, done: '已存电' },
];

/** The request body from the form: empty optional values left out, documents as the API wants them. */
export function bodyOf(spec: ActionSpec, t: Ticket, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...spec.fixed };
  for (const f of spec.fields(t)) {
    const v = values[f.key];
    if (f.key.startsWith('sealed')) continue;
    if (f.kind === 'docs') {
      const docs = ((v as Array<{ name: string; url: string }> | undefined) ?? []).filter((d) => d.name || d.url);
      if (docs.length > 0 || f.required) body[f.key] = docs;
      continue;
    }
    if (f.kind === 'switch') {
      if (v === true) body[f.key] = true;
      continue;
    }
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    body[f.key] = v;
  }
  if (spec.name === 'reply' && t.source === 'national') {
    body.sealedDocument = { name: values.sealedName ?? '', url: values.sealedUrl ?? '', sha256: values.sealedSha256 ?? '' };
  }
  return body;
}
