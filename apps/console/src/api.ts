import { errorText, fieldText } from './errors';

export interface FieldError {
  path: string;
  message: string;
}

/** A refusal of the hub's API, its body as documented at /docs (`{error, message, fields}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly fields: FieldError[],
    readonly body: Record<string, unknown>,
  ) {
    super(errorText(code, serverMessage, status));
  }

  /** Chinese text for each field the API named, keyed by its path (first segment too). */
  fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) {
      const text = fieldText(f.message);
      out[f.path] = text;
      const head = f.path.split(/[.[]/)[0];
      if (!(head in out)) out[head] = text;
    }
    return out;
  }
}

interface Session {
  token(): string | null;
  /** the token was refused: the session is over */
  expired(): void;
}

let session: Session = { token: () => null, expired: () => undefined };

export function useSession(s: Session): void {
  session = s;
}

/** Calls the hub's public REST API (the one /docs documents) with the signed-in user's token. */
export async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, opts: { auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = opts.auth === false ? null : session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '网络连接失败', [], {});
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  if (res.ok) return json as T;
  if (res.status === 401 && token) session.expired();
  const fields = Array.isArray(json.fields) ? (json.fields as FieldError[]) : [];
  throw new ApiError(res.status, String(json.error ?? res.status), String(json.message ?? ''), fields, json);
}

export const get = <T = Record<string, unknown>>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body ?? {});
export const put = <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => api<T>('PUT', path, body ?? {});
export const patch = <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => api<T>('PATCH', path, body ?? {});

/** A query string from the set values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
