import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONTENT_TYPES, encodeErrors } from '@hub/connectors/open311/open311.encoder';
import { HubError } from './hub-error';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

export interface TranslatedError {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Maps any thrown value to the hub's answer; shared by the Nest filter and Fastify's own error handler. */
export function translateError(e: unknown): TranslatedError {
  if (e instanceof HubError) {
    return { status: e.status, body: { error: e.code, message: e.message, ...e.details }, headers: e.headers };
  }
  const fe = e as FastifyLikeError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: 'too_large', message: 'body over 1 MiB' }, headers: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: 'not_json', message: 'Content-Type must be application/json' }, headers: {} };
    case 'HUB_JSON_TOO_DEEP':
      return {
        status: 400,
        body: { error: 'validation_failed', message: fe.message ?? 'JSON nested too deep', fields: [{ path: '', message: fe.message ?? 'JSON nested too deep' }] },
        headers: {},
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: 'not_json', message: 'body is not valid JSON' }, headers: {} };
  }
  // PostgreSQL data exceptions (class 22: U+0000 in text, an invalid uuid, a number or date out of
  // range) come from a value the client sent that the database cannot hold: the request's fault, 400.
  if (typeof fe?.code === 'string' && /^22[0-9A-Z]{3}$/.test(fe.code) && e instanceof Error) {
    return { status: 400, body: { error: 'invalid_input', message: 'a value in the request cannot be stored or compared as sent' }, headers: {} };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    if (status === 413) return { status, body: { error: 'too_large', message: 'body over 1 MiB' }, headers: {} };
    if (status === 415) return { status, body: { error: 'not_json', message: 'Content-Type must be application/json' }, headers: {} };
    const resp = e.getResponse();
    if (status === 503 && typeof resp === 'object' && resp !== null && 'details' in resp) {
      // /health (terminus): say what is down, e.g. "redis down", with each check's state
      const r = resp as { error?: Record<string, unknown>; details?: Record<string, unknown> };
      const downs = Object.keys(r.error ?? {});
      return { status, body: { error: 'unavailable', message: `${downs.join(', ') || 'a dependency'} down`, status: 'error', details: r.details }, headers: {} };
    }
    const message = typeof resp === 'string' ? resp : ((resp as { message?: unknown }).message ?? e.message);
    const code = status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 400 ? 'bad_request' : 'error';
    return { status, body: { error: code, message: Array.isArray(message) ? message.join('; ') : String(message) }, headers: {} };
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: 'bad_request', message: fe.message ?? 'bad request' }, headers: {} };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error' }, headers: {} };
}

/**
 * The one place errors become HTTP answers. Fastify's own errors (oversized body, unsupported media
 * type, malformed JSON) are translated into the contract's codes (docs/contracts.md#inbound-answers).
 */
@Catch()
export class HubExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HubExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = translateError(exception);
    if (status >= 500) this.logger.error({ err: exception }, 'unhandled error');
    else if (body.error === 'invalid_input') this.logger.warn({ err: exception }, 'database refused a value from the request');
    for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
    // Open311 clients read only the spec's error document, also for what fails before a route (docs/open311.md).
    const url = host.switchToHttp().getRequest<FastifyRequest | undefined>()?.url ?? '';
    if (url.startsWith('/open311/')) {
      const format = /\.json$/.test(url.split('?')[0]) ? 'json' : 'xml';
      void reply.status(status).header('content-type', CONTENT_TYPES[format]).send(encodeErrors(format, [{ code: status, description: String(body.message ?? body.error) }]));
      return;
    }
    void reply.status(status).send(body);
  }
}
