/**
 * The API answers in English for developers (`{error, message, fields}`); staff read Chinese.
 * Known codes and field messages get a Chinese sentence; anything else keeps the API's words
 * after a Chinese lead-in, so nothing the server said is hidden.
 */
const CODES: Record<string, string> = {
  invalid_credentials: '用户名或密码错误',
  unauthenticated: '登录已过期，请重新登录',
  forbidden: '您没有权限执行此操作',
  not_found: '未找到该工单或记录',
  not_allowed: '当前状态下不允许此操作',
  conflict: '数据已被他人修改，请刷新后重试',
  rate_limited: '操作过于频繁，请稍后再试',
  validation_failed: '填写的内容有误，请按提示修改',
  invalid_input: '填写的内容有误，请按提示修改',
  network: '网络连接失败，请检查网络后重试',
  unavailable: '服务暂不可用，请稍后再试',
  extension_not_a_working_day: '延期后的日期须为工作日',
  extension_not_later: '延期后的日期须晚于当前办结期限',
  extension_beyond_cap: '延期后的日期超过了允许的最长期限',
  extension_not_extendable: '该工单的办结期限不能延期',
  extension_not_found: '未找到该延期申请',
  too_many_keys: '该单位的有效密钥已达上限（2 个）',
  key_not_live: '该密钥已失效',
  last_admin: '不能停用最后一位管理员',
  invalid_directory: '目录数据校验未通过',
  no_active_directory: '尚无生效的目录版本',
  too_large: '提交的内容过大',
};

const FIELD_PATTERNS: Array<[RegExp, string]> = [
  [/should not be null or undefined|is required|must be given/i, '此项必填'],
  [/blank|should not be empty/i, '此项不能为空'],
  [/shorter than or equal|too long|longer than/i, '内容过长'],
  [/YYYY-MM-DD|must be a date/i, '须为日期（年-月-日）'],
  [/working day/i, '须为工作日'],
  [/url/i, '须为以 http:// 或 https:// 开头的网址'],
  [/sha-?256/i, '须为 64 位十六进制 SHA-256 摘要'],
  [/unknown unit|not a unit|no such unit|not in the (active )?directory/i, '目录中没有这个单位'],
  [/must not be less than|must not be greater than|between|1\.\.|must be an integer/i, '超出允许的范围'],
  [/at least 1|ArrayMinSize|at least one/i, '至少需要一项'],
  [/must be one of|must be true or false/i, '取值不在允许的范围内'],
];

export function errorText(code: string, message: string, status: number): string {
  if (CODES[code]) return CODES[code];
  if (status >= 500) return '服务器出错，请稍后再试';
  return message ? `操作未成功：${message}` : `操作未成功（${status}）`;
}

export function fieldText(message: string): string {
  for (const [re, text] of FIELD_PATTERNS) if (re.test(message)) return text;
  return `填写有误：${message}`;
}
