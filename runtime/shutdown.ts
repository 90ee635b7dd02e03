/**
 * Graceful shutdown, in the order the style guide gives: stop taking work, hand back or finish what
 * is in flight, flush, close servers, close clients, exit. A second signal exits at once.
 */
import type { Logger } from 'pino';

/** Something long-lived that can be closed; `close()` must be idempotent. */
export interface Closeable {
  close(): Promise<void> | void;
}

/**
 * Calls `steps` in order on the first SIGINT/SIGTERM, then resolves `done`. Returns a function that
 * runs the same shutdown without a signal (used by `dromedary start` and tests).
 */
export function onShutdown(
  logger: Logger,
  steps: readonly (readonly [name: string, close: () => Promise<void> | void])[],
): { shutdown: (reason: string) => Promise<void>; done: Promise<void> } {
  let running: Promise<void> | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const shutdown = (reason: string): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      for (const [name, close] of steps) {
        try {
          await close();
        } catch (err) {
          logger.error({ err, step: name }, 'shutdown step failed');
        }
      }
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      logger.info('stopped');
      resolveDone();
    })();
    return running;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (running) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    void shutdown(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { shutdown, done };
}
