import 'reflect-metadata';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubExceptionFilter } from '../errors/http-exception.filter';

declare module 'fastify' {
  interface FastifyRequest {
    /** the exact bytes received: signatures are computed over them (contracts §1) */
    rawBody?: Buffer;
  }
}

/** contracts §2: bodies over 1 MiB answer 413 without being buffered whole. */
export const BODY_LIMIT = 1024 * 1024;

export interface BootstrapOptions {
  port: number;
  host?: string;
  docs?: { title: string; description: string };
}

class NotJsonError extends Error {
  readonly code = 'FST_ERR_CTP_INVALID_JSON_BODY';
  readonly statusCode = 400;
}

/** Fastify tuned for the hub: raw body kept, contract error codes, slow clients cut off. */
export function createAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // Slow clients (slowloris) are cut off: whole request within 30 s, idle sockets after 65 s.
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 65_000,
    // ids in paths are ours to validate; keep Fastify from rejecting long ones with its own format
    routerOptions: { maxParamLength: 512 },
    trustProxy: true,
  });
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  // JSON only: any other media type answers 415 not_json (contracts §2).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (req: FastifyRequest, body: Buffer | string, done) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    req.rawBody = buf;
    if (buf.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch {
      done(new NotJsonError('body is not valid JSON'), undefined);
    }
  });
  // Errors raised before a route (413, 415, bad JSON) reach Nest's handler and the HubExceptionFilter.
  return adapter;
}

export async function createApp(module: Type<unknown>): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createAdapter(), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HubExceptionFilter());
  app.enableShutdownHooks();
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
  await app.listen(opts.port, opts.host ?? '0.0.0.0');
  return app;
}
