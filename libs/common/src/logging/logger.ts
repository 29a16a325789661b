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
      log: (obj) => maskPii(obj) as Record<string, unknown>,
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

export function createLogger(app: string, level: string): Logger {
  return pino(pinoOptions(app, level));
}
