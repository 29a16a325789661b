/**
 * Sends signed requests to the hub the way an upstream system would (docs/contracts.md#signed-requests), with knobs to
 * break the signing on purpose: another key, a bad signature, a stale timestamp, a reused nonce,
 * missing headers. Uses node:http so the path goes on the wire exactly as given.
 */
import http from 'node:http';
import { type SignedHeaders, signRequest, type SigningKey } from '@hub/connectors/signing';

export interface Tamper {
  /** sign with this key instead (wrong key, unknown key id) */
  key?: SigningKey;
  /** send this X-Signature as is */
  signature?: string;
  /** flip one hex digit of the correct signature */
  corruptSignature?: boolean;
  /** sign as of this time (e.g. 10 minutes ago for stale_timestamp) */
  now?: Date;
  /** use this nonce (send it twice for replayed_nonce) */
  nonce?: string;
  /** leave these headers out */
  omit?: (keyof SignedHeaders)[];
  /** sign this path but send the request to `path` (signature over another path) */
  signedPath?: string;
  /** sign this body but send the real one */
  signedBody?: string | Buffer;
  /** extra or overriding headers */
  headers?: Record<string, string>;
}

export interface SignedRequestOptions {
  method: string;
  /** path and query, sent verbatim */
  path: string;
  /** object → JSON; string/Buffer sent as is (not-JSON tests) */
  body?: unknown;
  contentType?: string;
  tamper?: Tamper;
}

export interface HubResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** parsed JSON or undefined */
  body: T;
  /** the signing headers that were sent, to replay them */
  sent: Partial<SignedHeaders>;
}

export class SignedClient {
  /** the nonce of the last request, to replay it */
  lastNonce: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly key: SigningKey,
  ) {}

  post<T = unknown>(path: string, body: unknown, tamper?: Tamper): Promise<HubResponse<T>> {
    return this.request<T>({ method: 'POST', path, body, tamper });
  }

  get<T = unknown>(path: string, tamper?: Tamper): Promise<HubResponse<T>> {
    return this.request<T>({ method: 'GET', path, tamper });
  }

  async request<T = unknown>(options: SignedRequestOptions): Promise<HubResponse<T>> {
    const tamper = options.tamper ?? {};
    const raw = toRaw(options.body);
    const base = new URL(this.baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const wirePath = prefix + options.path;
    const signedPath = tamper.signedPath === undefined ? wirePath : prefix + tamper.signedPath;
    const signed = signRequest(
      tamper.key ?? this.key,
      options.method,
      signedPath,
      tamper.signedBody ?? raw,
      tamper.now ?? new Date(),
      tamper.nonce,
    );
    if (tamper.signature !== undefined) signed['X-Signature'] = tamper.signature;
    if (tamper.corruptSignature) signed['X-Signature'] = corrupt(signed['X-Signature']);
    const sent: Partial<SignedHeaders> = { ...signed };
    for (const name of tamper.omit ?? []) delete sent[name];
    this.lastNonce = signed['X-Nonce'];

    const headers: Record<string, string> = { ...(sent as Record<string, string>) };
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(raw.length);
    }
    Object.assign(headers, tamper.headers);

    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: base.hostname, port: base.port, method: options.method, path: wirePath, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parseJson(text) as T, sent });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(raw);
    });
  }
}

function toRaw(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function corrupt(signature: string): string {
  const last = signature.slice(-1);
  return signature.slice(0, -1) + (last === '0' ? '1' : '0');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
