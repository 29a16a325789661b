import pino, { Logger, LoggerOptions } from 'pino';
import { maskPii } from './pii';

/**
 * One JSON object per line; every record passes through `maskPii` so a citizen's phone or ID
 * number never reaches the log in clear, whoever logged it.
 */
export function pinoOptions(app: string, level: string): LoggerOptions {
  return {
    level,
    base: { app },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => {
        // pino-http's req/res are the live Node objects here (their serializers run after this
        // formatter and scrub the URL): copying them would walk sockets and lose res.statusCode.
        const { req, res, ...rest } = obj;
        const masked = maskPii(rest) as Record<string, unknown>;
        if (req !== undefined) masked.req = isPlain(req) ? maskPii(req) : req;
        if (res !== undefined) masked.res = isPlain(res) ? maskPii(res) : res;
        return masked;
      },
    },
    hooks: {
      logMethod(args, method) {
        // Messages may interpolate free text: scrub the string arguments as well.
        const scrubbed = args.map((a) => (typeof a === 'string' ? (maskPii(a) as string) : a));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    redact: { paths: ['req.headers["x-signature"]', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
}

function isPlain(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(v);
}

export function createLogger(app: string, level: string): Logger {
  return pino(pinoOptions(app, level));
}
