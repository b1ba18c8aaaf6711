import { pino, destination, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: pretty on a TTY, JSON lines otherwise. Logs go to stderr so that command output
 * (stdout) stays machine-readable. Level from PACKAGE_STORAGE_LOG_LEVEL (default info).
 */
export function createLogger(opts: { level?: string; pretty?: boolean; name?: string } = {}): Logger {
  const level = opts.level ?? process.env.PACKAGE_STORAGE_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      level,
      name: opts.name,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level, name: opts.name }, destination({ dest: 2, sync: false }));
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
