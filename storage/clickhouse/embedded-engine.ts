/**
 * The embedded ClickHouse engine (chDB) behind the `@clickhouse/client` Connection contract, made safe
 * to share inside one process:
 * - every statement runs under one lock (chDB runs one query at a time anyway), so a `USE` or a
 *   per-request setting can never be seen by another caller's statement;
 * - per-request `clickhouse_settings` are restored to their previous values right after the statement:
 *   chDB applies them as `SET` on a shared session, where they would otherwise stick (a leaked
 *   `insert_deduplication_token` silently drops later inserts);
 * - each view of the engine carries the database its statements run in, as the HTTP interface does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import type {
  ConnBaseQueryParams,
  ConnCommandResult,
  ConnExecParams,
  ConnExecResult,
  ConnInsertParams,
  ConnInsertResult,
  ConnPingParams,
  ConnPingResult,
  ConnQueryResult,
  Connection,
} from 'chdb/connection';
import { StorageLockedError } from '../errors.js';

type ConnCommandParams = ConnBaseQueryParams & { ignore_error_response?: boolean };

/** Settings that only mean something to the HTTP layer; chDB rejects them as unknown. */
const HTTP_ONLY_SETTINGS = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_response_buffer_size',
  'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_compression_method',
  'http_native_compression_disable_checksumming_on_decompress',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
type Settings = ConnBaseQueryParams['clickhouse_settings'];

/** One chDB engine of this process, its lock and current database. Hand out {@link EmbeddedEngine.connection} views. */
export class EmbeddedEngine {
  readonly #inner: ChdbConnection;
  readonly path: string;
  #tail: Promise<unknown> = Promise.resolve();
  #currentDatabase = 'default';
  #closed = false;
  readonly #onClose: (() => Promise<void>)[] = [];

  private constructor(path: string, inner: ChdbConnection) {
    this.path = path;
    this.#inner = inner;
  }

  /** Opens the engine on `path` (created by chDB if missing). Throws {@link StorageLockedError} if another process holds it. */
  static open(path: string): EmbeddedEngine {
    try {
      return new EmbeddedEngine(path, createChdbConnection({ path }));
    } catch (err) {
      // chDB reports only "Failed to create connection" (the lock message goes to stderr). The engine
      // writes its owner's PID into <path>/status: if that process is alive, the folder is held.
      const holder = holderPid(path);
      if (holder !== undefined) {
        throw new StorageLockedError(`the embedded ClickHouse data in ${path} is in use by process ${holder}`, { cause: err });
      }
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A Connection whose statements run in `database`. Closing a view closes the engine only with
   * `closesEngine` (the view createClickHouse hands to the client that opened it).
   */
  connection(database: string, { closesEngine = false }: { closesEngine?: boolean } = {}): Connection<Readable> {
    if (!IDENTIFIER.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
    return new EmbeddedConnectionView(this, database, closesEngine);
  }

  /** Runs `step` alone on the engine, in `database`, with `settings` applied for this statement only. */
  async exclusive<T>(database: string, settings: Settings, step: (inner: ChdbConnection, settings: Settings) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new Error('the embedded ClickHouse engine is closed');
      if (this.#currentDatabase !== database) {
        await this.#inner.command({ query: `USE \`${database}\`` });
        this.#currentDatabase = database;
      }
      const applied = engineSettings(settings);
      const names = Object.keys(applied ?? {}).filter((k) => k !== 'default_format');
      const previous = names.length > 0 ? await this.#readSettings(names) : [];
      try {
        return await step(this.#inner, applied);
      } finally {
        if (previous.length > 0) await this.#restoreSettings(previous);
      }
    };
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Registers a step to run before the engine closes (the bridge stops this way). */
  onClose(step: () => Promise<void>): void {
    this.#onClose.push(step);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const step of this.#onClose.splice(0)) await step();
    await this.#tail;
    this.#closed = true;
    await this.#inner.close();
  }

  async #readSettings(names: string[]): Promise<[string, string][]> {
    for (const name of names) if (!IDENTIFIER.test(name)) throw new Error(`invalid setting name ${JSON.stringify(name)}`);
    const result = await this.#inner.query({
      query: 'SELECT name, value FROM system.settings WHERE name IN {names:Array(String)}',
      query_params: { names },
      clickhouse_settings: { default_format: 'JSONCompactEachRow' },
    });
    const text = await streamText(result.stream);
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as [string, string]);
  }

  async #restoreSettings(previous: [string, string][]): Promise<void> {
    // Names come from system.settings and values are quoted as SQL string literals: SET takes no parameters.
    const assignments = previous.map(([name, value]) => `${name} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
    await this.#inner.command({ query: `SET ${assignments.join(', ')}` });
  }
}

/** Drops settings chDB does not know (HTTP-only) and undefined values. */
function engineSettings(settings: Settings): Settings {
  if (!settings) return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || HTTP_ONLY_SETTINGS.has(key)) continue;
    out[key] = value;
    any = true;
  }
  return any ? (out as Settings) : undefined;
}

async function streamText(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** The Connection contract over a shared {@link EmbeddedEngine}, bound to one database. */
class EmbeddedConnectionView implements Connection<Readable> {
  readonly #engine: EmbeddedEngine;
  readonly #database: string;
  readonly #closesEngine: boolean;

  constructor(engine: EmbeddedEngine, database: string, closesEngine: boolean) {
    this.#engine = engine;
    this.#database = database;
    this.#closesEngine = closesEngine;
  }

  async ping(_params: ConnPingParams): Promise<ConnPingResult> {
    if (this.#engine.closed) return { success: false, error: new Error('the embedded ClickHouse engine is closed') };
    try {
      await this.#engine.exclusive(this.#database, undefined, (inner) => inner.command({ query: 'SELECT 1' }));
      return { success: true };
    } catch (err) {
      return { success: false, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  query(params: ConnBaseQueryParams): Promise<ConnQueryResult<Readable>> {
    return this.#engine.exclusive(this.#database, params.clickhouse_settings, (inner, settings) =>
      inner.query({ ...params, clickhouse_settings: settings }),
    );
  }

  insert(params: ConnInsertParams<Readable>): Promise<ConnInsertResult> {
    return this.#engine.exclusive(this.#database, params.clickhouse_settings, (inner, settings) =>
      inner.insert({ ...params, clickhouse_settings: settings }),
    );
  }

  command(params: ConnCommandParams): Promise<ConnCommandResult> {
    return this.#engine.exclusive(this.#database, params.clickhouse_settings, (inner, settings) =>
      inner.command({ ...params, clickhouse_settings: settings }),
    );
  }

  async exec(params: ConnExecParams<Readable>): Promise<ConnExecResult<Readable>> {
    // Read the body before taking the lock: a slow uploader must not stall the engine.
    const values = params.values === undefined ? undefined : Readable.from([await streamText(params.values)]);
    return this.#engine.exclusive(this.#database, params.clickhouse_settings, (inner, settings) =>
      inner.exec({ ...params, values, clickhouse_settings: settings }),
    );
  }

  async close(): Promise<void> {
    if (this.#closesEngine) await this.#engine.close();
  }
}

/** The live process (other than this one) that holds the engine folder `path`, per its status file. */
function holderPid(path: string): number | undefined {
  let status: string;
  try {
    status = readFileSync(join(path, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/PID:\s*(\d+)/.exec(status)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
