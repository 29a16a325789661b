/** Chinese names of the hub's codes (states, sources, actions, events, clocks): docs/console.md. */
export const STATE: Record<string, string> = {
  received: '已接收',
  accepted: '已受理',
  not_accepted: '不予受理',
  archived: '已归档',
  merged: '已合并',
  returned: '已退回国办',
  disputed: '争议待指定',
  dispatched: '待签收',
  signed: '已签收',
  contacted: '已联系',
  objected: '退单审核中',
  replied: '已答复待回访',
  appealed: '申诉复核中',
  closed: '已办结',
  unfounded: '不属实',
  terminated: '已存电',
  withdrawn: '已撤回',
};

/** States in which the unit has to act (我的工单's default filter); the others wait for the office. */
export const UNIT_TODO_STATES = ['dispatched', 'signed', 'contacted'];

export const SOURCE: Record<string, string> = { hotline: '12345热线', ywtb: '一网通办', national: '国家平台', open311: 'Open311' };

export const KIND: Record<string, string> = {
  complaint: '投诉',
  suggestion: '建议',
  consultation: '咨询',
  request: '求助',
  praise: '表扬',
  report: '举报',
  review: '差评',
};

export const ACTION: Record<string, string> = {
  accept: '受理',
  not_accept: '不予受理',
  archive: '归档',
  merge: '合并',
  unmerge: '取消合并',
  return: '退回国办',
  dispatch: '派单',
  dispute: '转争议',
  designate: '指定承办',
  sign: '签收',
  contact: '先行联系',
  reply: '办结答复',
  object: '退单',
  review_objection: '退单审核',
  request_extension: '申请延期',
  review_extension: '延期审批',
  appeal: '申诉',
  review_appeal: '申诉复核',
  callback: '回访',
  reopen: '重办',
  terminate: '存电',
  supervise: '督办',
  co_input: '协办意见',
  set_lead: '主办/协办',
  withdraw: '撤回',
  supplement: '补充材料',
  urge: '催办',
};

export const EVENT: Record<string, string> = {
  received: '接收',
  accepted: '受理',
  not_accepted: '不予受理',
  archived: '归档',
  merged: '合并',
  absorbed: '并入',
  unmerged: '取消合并',
  released: '解除合并',
  returned: '退回国办',
  dispatched: '派单',
  disputed: '转争议',
  designated: '指定承办',
  signed: '签收',
  contacted: '先行联系',
  replied: '办结答复',
  objected: '退单',
  redispatched: '退单通过并改派',
  objection_refused: '退单驳回',
  extension_filed: '申请延期',
  extension_requested: '延期申请',
  extension_reviewed: '延期审批',
  extension_approved: '延期批准',
  extension_refused: '延期驳回',
  appealed: '申诉',
  appeal_reviewed: '申诉复核',
  called_back: '回访',
  callback_unreachable: '回访未接通',
  reopened: '重办',
  terminated: '存电',
  supervised: '督办',
  co_input: '协办意见',
  lead_set: '设定主办/协办',
  withdrawn: '撤回',
  supplement_relayed: '补充材料',
  urge_relayed: '催办',
  bounce_flagged: '多次流转预警',
  work_order_adopted: '补建工单',
  deadline_recomputed: '期限重算',
};

export const CLOCK: Record<string, string> = { contact: '先行联系', resolve: '办结', objection: '退单窗口', appeal: '申诉窗口' };

export const CLOCK_STATE: Record<string, string> = { running: '计时中', met: '已按时完成', missed: '已超期', stopped: '已停止' };

export const ROLE: Record<string, string> = {
  unit_staff: '承办单位经办人',
  unit_system: '承办单位系统',
  operator: '热线办话务员',
  supervisor: '热线办督办员',
  admin: '系统管理员',
};

export const label = (map: Record<string, string>, code: string | null | undefined): string => (code ? (map[code] ?? code) : '—');
