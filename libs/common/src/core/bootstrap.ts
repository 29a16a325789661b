import 'reflect-metadata';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubExceptionFilter } from '../errors/http-exception.filter';
import { BodyValidationPipe } from './body-validation.pipe';
import { TrustProxy, requestTimeoutMs, trustProxySetting } from '../config';

declare module 'fastify' {
  interface FastifyRequest {
    /** the exact bytes received: signatures are computed over them (docs/contracts.md#signed-requests) */
    rawBody?: Buffer;
  }
}

/** docs/contracts.md#inbound-answers: bodies over 1 MiB answer 413 without being buffered whole. */
export const BODY_LIMIT = 1024 * 1024;

export interface BootstrapOptions {
  port: number;
  /** HubConfig.host (HUB_HOST): loopback outside production unless set */
  host: string;
  docs?: { title: string; description: string };
}

class NotJsonError extends Error {
  readonly code = 'FST_ERR_CTP_INVALID_JSON_BODY';
  readonly statusCode = 400;
}

/** No wire format of the hub nests deeper than a handful of levels (docs/contracts.md). */
export const MAX_JSON_DEPTH = 64;

class NotFormHereError extends Error {
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
  readonly statusCode = 415;
}

class TooDeepError extends Error {
  readonly code = 'HUB_JSON_TOO_DEEP';
  readonly statusCode = 400;
}

/**
 * True when the JSON text nests objects/arrays deeper than `max`. Checked on the bytes before
 * parsing: a body of 100,000 nested arrays parses fine but overflows the stack of every recursive
 * walker after it (validation, transformation, logging), a 500 on a hostile request.
 */
export function jsonDeeperThan(buf: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export interface AdapterOptions {
  /** whole-request deadline; default HUB_REQUEST_TIMEOUT_MS (30 s) */
  requestTimeoutMs?: number;
  /** whose X-Forwarded-For to believe; default HUB_TRUST_PROXY (no one) */
  trustProxy?: TrustProxy;
}

/** Fastify tuned for the hub: raw body kept, contract error codes, slow clients cut off. */
export function createAdapter(opts: AdapterOptions = {}): FastifyAdapter {
  const timeout = opts.requestTimeoutMs ?? requestTimeoutMs();
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // Slow clients (slowloris) are cut off (408): the whole request (headers and body) within the
    // deadline (HUB_REQUEST_TIMEOUT_MS, 30 s), idle sockets after it. Given to the server at creation:
    // Node swaps the two deadlines when headersTimeout (default 60 s) exceeds requestTimeout, so a
    // body trickled after quick headers was only cut at 60 s. It checks deadlines every
    // connectionsCheckingInterval (default 30 s, which would double them): a few times per deadline.
    requestTimeout: timeout,
    connectionTimeout: timeout,
    http: { requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(timeout / 4))) },
    keepAliveTimeout: 65_000,
    // ids in paths are ours to validate; keep Fastify from rejecting long ones with its own format
    routerOptions: { maxParamLength: 512 },
    // req.ip is the socket's peer unless HUB_TRUST_PROXY names the proxy in front (config.ts)
    trustProxy: opts.trustProxy ?? trustProxySetting(),
  });
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  // JSON only: any other media type answers 415 not_json (docs/contracts.md#inbound-answers).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (req: FastifyRequest, body: Buffer | string, done) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    req.rawBody = buf;
    if (buf.length === 0) return done(null, undefined);
    if (jsonDeeperThan(buf, MAX_JSON_DEPTH)) return done(new TooDeepError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch {
      done(new NotJsonError('body is not valid JSON'), undefined);
    }
  });
  // Open311 clients POST forms (GeoReport v2): accepted under /open311/ only, kept as the text the
  // Open311 door parses itself (docs/open311.md). Everywhere else a form is a 415 like any non-JSON.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req: FastifyRequest, body: Buffer | string, done) => {
    if (!req.url.startsWith('/open311/')) return done(new NotFormHereError('Content-Type must be application/json'), undefined);
    done(null, typeof body === 'string' ? body : body.toString('utf8'));
  });
  // Errors raised before a route (413, 415, bad JSON) reach Nest's handler and the HubExceptionFilter.
  return adapter;
}

export async function createApp(module: Type<unknown>, adapter: AdapterOptions = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createAdapter(adapter), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HubExceptionFilter());
  app.useGlobalPipes(new BodyValidationPipe());
  // SIGTERM (orchestrators) and SIGINT (Ctrl-C) only: the default list also stops the app on SIGUSR2 etc.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}

/** OpenAPI at /docs (UI) and /docs/json. `ui: false` serves only the JSON (the UI's static files are ESM, which Jest cannot load). */
export function mountDocs(app: INestApplication, docs: { title: string; description: string }, ui = true): void {
  const config = new DocumentBuilder().setTitle(docs.title).setDescription(docs.description).setVersion('1').addBearerAuth().build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json', swaggerUiEnabled: ui });
}

/** Starts an app: graceful shutdown on SIGTERM/SIGINT finishes or returns in-flight work. */
export async function bootstrap(module: Type<unknown>, opts: BootstrapOptions): Promise<NestFastifyApplication> {
  const app = await createApp(module);
  if (opts.docs) mountDocs(app, opts.docs);
  await app.listen(opts.port, opts.host);
  return app;
}
