/** One pino root logger per process, tagged with its role and instance id. Children per component. */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** The process role: `coordinator`, `crawler`, `api`, … */
  role: string;
  instanceId: string;
  /** pino level; default `info`. */
  level?: string;
  /** Where to write; default stdout. Tests pass a stream to read logs back. */
  destination?: NodeJS.WritableStream;
}

/** The root logger of a process. JSON lines; errors go under `err`. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { role: options.role, instance: options.instanceId },
      // Never log credentials that may sit in URLs or headers.
      redact: { paths: ['*.password', '*.authorization', '*.cookie', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything (library use, tests that don't read logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
