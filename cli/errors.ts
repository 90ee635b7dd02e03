/** The one place that turns an error into a message and an exit code. */
import { ConfigError, InvalidProductReferenceError, UnknownMarketplaceError } from '../config/index.js';
import { RedisServerMissingError } from '../runtime/index.js';

/** Exit codes, after sysexits.h. */
export const EXIT = Object.freeze({
  ok: 0,
  failure: 1,
  usage: 64,
  dataError: 65,
  noInput: 66,
  unavailable: 69,
  config: 78,
});

/** Raised by a command for bad arguments; the message is shown as is. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Raised by a command whose input (a file, a page) is unusable. */
export class InputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** Maps an error to the exit code a script can act on. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return EXIT.config;
  if (err instanceof UsageError || err instanceof InvalidProductReferenceError || err instanceof UnknownMarketplaceError) {
    return EXIT.usage;
  }
  if (err instanceof InputError) return EXIT.dataError;
  if (err instanceof RedisServerMissingError) return EXIT.unavailable;
  if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return EXIT.noInput;
  if (err instanceof Error && 'code' in err && (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND')) return EXIT.unavailable;
  return EXIT.failure;
}

/** Prints `err` for a person (or as JSON with `json`) and returns its exit code. */
export function reportError(err: unknown, { json = false }: { json?: boolean } = {}): number {
  const code = exitCodeFor(err);
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: err instanceof Error ? err.name : 'Error', message })}\n`);
  } else {
    process.stderr.write(`dromedary: ${message}\n`);
    if (code === EXIT.failure && err instanceof Error && err.cause instanceof Error) {
      process.stderr.write(`  caused by: ${err.cause.message}\n`);
    }
  }
  return code;
}
