import { classifyExchange, describeStatus } from './classify-exchange.util';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.util';
import type { HttpExchange } from './signed-http.transport';
import { buildTargetUrl, checkBaseUrl, InvalidTargetUrlError } from './target-url.util';

const NOW = new Date('2026-11-20T01:00:00Z');

function response(status: number, extra: Partial<Extract<HttpExchange, { kind: 'response' }>> = {}): HttpExchange {
  return { kind: 'response', status, text: '', durationMs: 12, ...extra };
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP-date, past dates as 0', () => {
    expect(parseRetryAfter('Fri, 20 Nov 2026 01:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thu, 19 Nov 2026 01:00:00 GMT', NOW)).toBe(0);
  });

  it('caps at a day and ignores nonsense', () => {
    expect(parseRetryAfter('9999999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('1.5', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('classifyExchange', () => {
  it.each([200, 201, 202, 204, 409])('%d is delivered', (status) => {
    expect(classifyExchange(response(status))).toEqual({ outcome: 'delivered', status, durationMs: 12 });
  });

  it('409 is an error where the request was not idempotent on eventId', () => {
    expect(classifyExchange(response(409), { conflictIsDelivered: false })).toMatchObject({ outcome: 'permanent', status: 409 });
  });

  it.each([500, 502, 503, 504, 408, 429])('%d is retried', (status) => {
    expect(classifyExchange(response(status))).toEqual({ outcome: 'retry', status, error: `http_${status}`, durationMs: 12 });
  });

  it('carries Retry-After on a retry', () => {
    expect(classifyExchange(response(429, { retryAfter: '7' }), { now: NOW })).toEqual({
      outcome: 'retry',
      status: 429,
      error: 'http_429',
      retryAfterMs: 7000,
      durationMs: 12,
    });
    expect(classifyExchange(response(503, { retryAfter: 'Fri, 20 Nov 2026 01:01:00 GMT' }), { now: NOW })).toMatchObject({
      retryAfterMs: 60_000,
    });
  });

  it.each([400, 401, 403, 404, 413, 422, 301, 302])('%d is permanent', (status) => {
    expect(classifyExchange(response(status))).toMatchObject({ outcome: 'permanent', status });
  });

  it('adds the target\'s error code, not its free text', () => {
    expect(classifyExchange(response(401, { text: '{"error":"bad_signature"}' }))).toMatchObject({ error: 'http_401: bad_signature' });
    expect(describeStatus(400, '{"error":"手机号 13812345678 无效"}')).toBe('http_400');
    expect(describeStatus(500, '<html>oops</html>')).toBe('http_500');
  });

  it('retries timeouts and connection failures', () => {
    expect(classifyExchange({ kind: 'failure', error: 'timeout', timedOut: true, durationMs: 300 })).toEqual({
      outcome: 'retry',
      error: 'timeout',
      durationMs: 300,
    });
    expect(classifyExchange({ kind: 'failure', error: 'connection_error: ECONNREFUSED', timedOut: false, durationMs: 1 })).toMatchObject({
      outcome: 'retry',
      error: 'connection_error: ECONNREFUSED',
    });
  });
});

describe('buildTargetUrl', () => {
  it('joins base and segments, keeping a path prefix', () => {
    expect(buildTargetUrl('https://gw.example.cn/12345/', ['api', 'orders', 'HL-1', 'status'])).toEqual({
      url: 'https://gw.example.cn/12345/api/orders/HL-1/status',
      pathWithQuery: '/12345/api/orders/HL-1/status',
    });
    expect(buildTargetUrl('http://127.0.0.1:8080', ['work-orders']).pathWithQuery).toBe('/work-orders');
  });

  it('encodes ids so they stay one segment, and signs the encoded form', () => {
    const t = buildTargetUrl('https://h.example.cn/base', ['api', 'orders', 'A/B?C#D 工单', 'status']);
    expect(t.pathWithQuery).toBe('/base/api/orders/A%2FB%3FC%23D%20%E5%B7%A5%E5%8D%95/status');
    expect(new URL(t.url).pathname).toBe(t.pathWithQuery);
  });

  it('appends the query in order and leaves out undefined values', () => {
    expect(buildTargetUrl('https://n.example.cn', ['api', 'v1', 'transfers'], { cursor: undefined, limit: 50 }).pathWithQuery).toBe(
      '/api/v1/transfers?limit=50',
    );
    expect(buildTargetUrl('https://n.example.cn/gb', ['api', 'v1', 'transfers'], { cursor: 'a+b/c=', limit: 100 }).pathWithQuery).toBe(
      '/gb/api/v1/transfers?cursor=a%2Bb%2Fc%3D&limit=100',
    );
  });

  it.each(['', '.', '..'])('refuses the segment %p', (segment) => {
    expect(() => buildTargetUrl('https://h.example.cn', ['api', segment])).toThrow(InvalidTargetUrlError);
  });

  it.each(['not a url', 'ftp://h.example.cn', 'https://h.example.cn/?a=1', 'https://u:p@h.example.cn'])('refuses the base %p', (base) => {
    expect(() => checkBaseUrl(base)).toThrow(InvalidTargetUrlError);
  });
});
