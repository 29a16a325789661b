import type { CompiledDirectory } from '@hub/rules/directory';
import type { DirectoryCategory } from '@hub/rules/directory/directory.types';
import { TICKET_KINDS } from '@hub/rules/model/ticket';
import type { Open311Attribute, Open311AttributeValue, Open311Service, Open311ServiceDefinition } from './open311.types';

/** Attribute codes (ASCII, as the issue asks); what each feeds is in docs/open311.md. */
export const ATTR = {
  region: 'region',
  kind: 'kind',
  urgency: 'urgency',
  confidential: 'confidential',
  respondent: 'respondent',
  occurredAt: 'occurred_at',
} as const;

/** 投诉 / 求助 / 举报 / 咨询 / 建议 as offered to Open311 clients (a 差评 comes from 一网通办 only). */
const KIND_NAMES: Record<string, string> = { request: '求助', complaint: '投诉', report: '举报', consultation: '咨询', suggestion: '建议' };
export const OPEN311_KINDS = TICKET_KINDS.filter((k) => k in KIND_NAMES);
/** A pothole or a broken lamp reported through an app is a 求助 unless the client says otherwise. */
export const DEFAULT_KIND = 'request';

/**
 * The services are the directory's categories that have no sub-category (the ones a ticket is filed
 * under); `group` is the parent category's name (e.g. 市场监管), keywords the names a citizen may
 * search by, and the description says in Chinese what the service is and which line handles it.
 */
export function open311Services(dir: CompiledDirectory): Open311Service[] {
  return leafCategories(dir).map((c) => toService(dir, c));
}

export function findService(dir: CompiledDirectory, code: string): Open311Service | undefined {
  const c = dir.categories.get(code);
  return c && isLeaf(dir, c) ? toService(dir, c) : undefined;
}

function leafCategories(dir: CompiledDirectory): DirectoryCategory[] {
  return [...dir.categories.values()].filter((c) => isLeaf(dir, c)).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

function isLeaf(dir: CompiledDirectory, c: DirectoryCategory): boolean {
  for (const other of dir.categories.keys()) if (other !== c.code && other.startsWith(c.code)) return false;
  return true;
}

function parentOf(dir: CompiledDirectory, c: DirectoryCategory): DirectoryCategory | undefined {
  let best: DirectoryCategory | undefined;
  for (const p of dir.categories.values()) {
    if (p.code !== c.code && c.code.startsWith(p.code) && (!best || p.code.length > best.code.length)) best = p;
  }
  return best;
}

function toService(dir: CompiledDirectory, c: DirectoryCategory): Open311Service {
  const group = parentOf(dir, c)?.name ?? null;
  const line = c.line ? dir.lines.get(c.line)?.name : undefined;
  const keywords = [...new Set([c.name, group, line].filter((k): k is string => !!k))].join(', ');
  const handled = line ? `，由${line}条线办理` : '';
  return {
    service_code: c.code,
    service_name: c.name,
    description: `${group ? `${group} › ` : ''}${c.name}：向${dir.jurisdiction.name}12345热线反映的${c.name}类诉求${handled}。`,
    // Every service has attributes (region at least): clients read the definition.
    metadata: true,
    type: 'realtime',
    keywords,
    group,
  };
}

/** The same attributes for every service: what the hub needs that GeoReport does not carry. */
export function serviceDefinition(dir: CompiledDirectory, code: string): Open311ServiceDefinition | undefined {
  if (!findService(dir, code)) return undefined;
  return { service_code: code, attributes: hubAttributes(dir) };
}

export function hubAttributes(dir: CompiledDirectory): Open311Attribute[] {
  const regions = [...dir.regions.values()].sort((a, b) => (a.code < b.code ? -1 : 1)).map((r) => ({ key: r.code, name: r.name }));
  return [
    choice(ATTR.region, 1, `事发地所在区（${dir.jurisdiction.name}）。未提供地址或地址中没有区名时请选择，以便派单。`, regions, '行政区划代码'),
    choice(ATTR.kind, 2, `诉求类型，默认为${KIND_NAMES[DEFAULT_KIND]}`, OPEN311_KINDS.map((k) => ({ key: k, name: KIND_NAMES[k] }))),
    choice(ATTR.urgency, 3, '紧急程度，默认为一般', [
      { key: 'normal', name: '一般' },
      { key: 'urgent', name: '紧急' },
    ]),
    choice(ATTR.confidential, 4, '是否要求保密（保密件的内容只向承办单位和热线办公室公开）', [
      { key: 'no', name: '否' },
      { key: 'yes', name: '是' },
    ]),
    value(ATTR.respondent, 'string', 5, '被投诉、被举报的单位或个人（如有）', '单位或个人名称'),
    value(ATTR.occurredAt, 'datetime', 6, '问题发生或发现的时间', 'ISO 8601，含时区，如 2026-12-06T09:30:00+08:00'),
  ];
}

// Every hub attribute is optional (GeoReport: `variable`, not `required`); the keys in the spec's order.
function choice(code: string, order: number, description: string, values: Open311AttributeValue[], datatypeDescription: string | null = null): Open311Attribute {
  return { variable: true, code, datatype: 'singlevaluelist', required: false, datatype_description: datatypeDescription, order, description, values };
}

function value(code: string, datatype: 'string' | 'datetime', order: number, description: string, datatypeDescription: string): Open311Attribute {
  return { variable: true, code, datatype, required: false, datatype_description: datatypeDescription, order, description };
}
