import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HubError } from '@hub/common';
import { CONTENT_TYPES, Open311Error, encodeErrors, type Open311Format } from '@hub/connectors/open311';

const logger = new Logger('Open311');

/** What a handler answers: the HTTP status and the document, already encoded in the asked format. */
export interface Open311Answer {
  status: number;
  body: string;
}

/** `xml` or `json` from the path's suffix; anything else is answered in XML, the required format. */
export function formatOf(suffix: string | undefined): Open311Format {
  if (suffix === 'json' || suffix === 'xml') return suffix;
  throw new Open311Error(404, `format ${JSON.stringify(String(suffix).slice(0, 16))} is not served: use .xml or .json`);
}

/** `name.format` from a path segment such as `0101.json`. */
export function splitSuffix(file: string): { name: string; format: Open311Format } {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) throw new Open311Error(404, 'the path must end in .xml or .json');
  return { name: file.slice(0, dot), format: formatOf(file.slice(dot + 1)) };
}

/**
 * Runs a handler and sends its answer; every error goes out in the spec's format (`<errors>` /
 * `[{code, description}]`) in the format the path asked for (XML when it asked for none we serve).
 */
export async function sendOpen311(reply: FastifyReply, suffix: string | undefined, handler: (format: Open311Format) => Promise<Open311Answer>): Promise<void> {
  const format: Open311Format = suffix === 'json' ? 'json' : 'xml';
  let answer: Open311Answer;
  try {
    answer = await handler(formatOf(suffix));
  } catch (err) {
    const e = asOpen311Error(err);
    for (const [k, v] of Object.entries(e.headers)) void reply.header(k, v);
    answer = { status: e.status, body: encodeErrors(format, e.errors) };
  }
  await reply.status(answer.status).header('content-type', CONTENT_TYPES[format]).send(answer.body);
}

function asOpen311Error(err: unknown): Open311Error {
  if (err instanceof Open311Error) return err;
  if (err instanceof HubError) {
    // The hub's own refusals (rate limit 429, a validation 400, 404) keep their status and headers.
    const status = ([400, 403, 404, 429, 503] as const).find((s) => s === err.status) ?? 400;
    return new Open311Error(status, err.message, err.headers ?? {});
  }
  logger.error({ err }, 'open311 request failed');
  return new Open311Error(500, 'internal error; the request may be retried');
}
