/**
 * Crawlee logs through `@apify/log`; this routes its lines into the node's pino logger (JSON, with
 * credentials masked and long texts cut) instead of the console.
 */
import { Log, LogLevel, Logger } from '@crawlee/core';
import type { Logger as Pino } from 'pino';
import { redactCredentialsInText } from './proxy-url.js';

const ROUTINE_RETRY = /^(Reclaiming failed request back to the list or queue|Request failed and reached maximum retries)/;

class PinoBridge extends Logger {
  constructor(private readonly pino: Pino) {
    super({});
  }

  override _log(level: LogLevel, message: string, data?: Record<string, unknown>, exception?: unknown, opts: Record<string, unknown> = {}): void {
    const fields: Record<string, unknown> = { crawlee: typeof opts.prefix === 'string' ? opts.prefix : undefined };
    if (data && typeof data === 'object') {
      for (const k of ['id', 'url', 'retryCount', 'statusCode']) if (k in data) fields[k] = data[k];
    }
    if (exception instanceof Error) fields.err = { name: exception.name, message: redactCredentialsInText(exception.message).slice(0, 500) };
    fields.detail = redactCredentialsInText(String(message)).slice(0, 500);
    // A failed or retried attempt is the node's own business: it records every check's outcome (and
    // counts it in metrics) itself, so Crawlee's per-request retry lines would only repeat it.
    if (ROUTINE_RETRY.test(String(message))) level = LogLevel.DEBUG;
    switch (level) {
      case LogLevel.ERROR:
        this.pino.error(fields, 'crawlee');
        break;
      case LogLevel.SOFT_FAIL:
      case LogLevel.WARNING:
        this.pino.warn(fields, 'crawlee');
        break;
      case LogLevel.INFO:
        this.pino.info(fields, 'crawlee');
        break;
      case LogLevel.DEBUG:
      case LogLevel.PERF:
        this.pino.debug(fields, 'crawlee');
        break;
      case LogLevel.OFF:
        break;
    }
  }
}

/** A Crawlee `Log` writing into `pino` (Crawlee's INFO and DEBUG go to pino's debug unless `verbose`). */
export function crawleeLog(pino: Pino, { verbose = false }: { verbose?: boolean } = {}): Log {
  const level = pino.isLevelEnabled('debug') ? LogLevel.DEBUG : verbose ? LogLevel.INFO : LogLevel.WARNING;
  return new Log({ level, logger: new PinoBridge(pino.child({ component: 'crawlee' })) });
}
