import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isConsoleNavigation } from './console-paths';

/** Where the console's build is: HUB_CONSOLE_DIR, else apps/console/dist of the checkout. */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.HUB_CONSOLE_DIR, path.resolve(process.cwd(), 'apps/console/dist'), path.resolve(__dirname, '../../../../apps/console/dist'), path.resolve(__dirname, '../../../../../apps/console/dist')];
  return candidates.find((d): d is string => !!d && existsSync(path.join(d, 'index.html')));
}

/**
 * Serves the console (apps/console, built by `npm run build`) at `/` beside the API: its hashed
 * assets under /assets (cached for a year), index.html for page navigations (never cached).
 * Without a build the gateway serves the API alone.
 */
export async function mountConsole(app: NestFastifyApplication, dir = consoleDir()): Promise<boolean> {
  if (!dir) return false;
  await app.register(fastifyStatic as never, {
    root: path.join(dir, 'assets'),
    prefix: '/assets/',
    wildcard: false,
    immutable: true,
    maxAge: 365 * 24 * 3600 * 1000,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!isConsoleNavigation(req.method, req.url, req.headers.accept)) return done();
    void reply.header('cache-control', 'no-cache').sendFile('index.html', dir);
  });
  return true;
}
