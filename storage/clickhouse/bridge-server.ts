/**
 * A loopback HTTP bridge to the embedded engine. The chDB data folder belongs to one process; the
 * process that holds it serves this bridge so others (`dromedary sql`, admin commands, a separate
 * ingester) reach the same data with an ordinary `@clickhouse/client` over HTTP.
 *
 * It speaks the part of ClickHouse's HTTP interface the client uses: `GET /ping`; `POST /` with the
 * statement in the body or in `?query=` (then the body is the insert data), `database`,
 * `default_format`, `query_id`, `param_<name>` bound parameters and settings as URL parameters; errors
 * as `Code: N. DB::Exception: … (TYPE)` with `X-ClickHouse-Exception-Code`. Text formats only (the
 * body is handled as UTF-8). Requests need the password written in the advertisement file.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Logger } from 'pino';
import { decodeHttpParams } from './bridge-params.js';
import type { EmbeddedEngine } from './embedded-engine.js';

/** URL parameters that are not settings. */
const NOT_SETTINGS = new Set([
  'query', 'database', 'default_format', 'query_id', 'session_id', 'session_timeout', 'session_check',
  'user', 'password', 'quota_key', 'role', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query',
  'enable_http_compression', 'http_zlib_compression_level',
]);

const ENGINE_VERSION = '26.7';

export interface ClickHouseBridgeOptions {
  engine: EmbeddedEngine;
  /** Database for requests that name none. */
  database: string;
  logger: Logger;
  /** TCP port on 127.0.0.1; default: a free one. */
  port?: number;
}

/** A running bridge. `stop()`/`start()` take it off and back on the same port (tests use this as an outage). */
export interface ClickHouseBridge {
  readonly url: string;
  readonly password: string;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts the bridge on 127.0.0.1. */
export async function startClickHouseBridge(options: ClickHouseBridgeOptions): Promise<ClickHouseBridge> {
  const password = randomBytes(18).toString('base64url');
  const sockets = new Set<Socket>();
  const log = options.logger.child({ component: 'clickhouse-bridge' });
  let server: Server | undefined;
  let port = options.port ?? 0;

  const listen = async (): Promise<void> => {
    const s = createServer((req, res) => {
      handle(req, res, options, password).catch((err: unknown) => {
        log.error({ err }, 'bridge request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    s.keepAliveTimeout = 2_000;
    s.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    const address = s.address();
    if (typeof address === 'object' && address) port = address.port;
    server = s;
  };
  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    password,
    get running() {
      return server !== undefined;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async start() {
      if (!server) await listen();
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ClickHouseBridgeOptions, password: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://bridge');
  if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
    await drain(req);
    res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  if (url.pathname !== '/') {
    await drain(req);
    sendError(res, 404, 1001, 'STD_EXCEPTION', `no handler for ${url.pathname}`);
    return;
  }
  if (!authorized(req, url, password)) {
    await drain(req);
    sendError(res, 403, 516, 'AUTHENTICATION_FAILED', 'default: Authentication failed: password is incorrect, or there is no user with such name.');
    return;
  }
  const body = await readBody(req);
  const text = url.searchParams.get('query');
  const sql = text === null ? body : body.length > 0 ? `${text}\n${body}` : text;
  if (sql.trim() === '') {
    sendError(res, 400, 62, 'SYNTAX_ERROR', 'Empty query.');
    return;
  }
  const params = new Map<string, string>();
  const settings: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) params.set(key.slice('param_'.length), value);
    else if (!NOT_SETTINGS.has(key)) settings[key] = value;
  }
  const format = url.searchParams.get('default_format') ?? 'TabSeparated';
  const queryId = url.searchParams.get('query_id') ?? randomUUID();
  const database = url.searchParams.get('database') ?? options.database;
  try {
    const connection = options.engine.connection(database);
    const result = await connection.exec({
      query: sql,
      query_id: queryId,
      query_params: params.size > 0 ? decodeHttpParams(sql, params) : undefined,
      clickhouse_settings: { ...settings, default_format: format as 'TabSeparated' },
    });
    const output = await readAll(result.stream);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=UTF-8',
      'x-clickhouse-query-id': queryId,
      'x-clickhouse-format': format,
      'x-clickhouse-timezone': 'UTC',
      'x-clickhouse-summary': JSON.stringify(result.summary ?? {}),
    });
    res.end(output);
  } catch (err) {
    const e = err as { code?: unknown; type?: unknown; message?: unknown };
    const code = typeof e.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : 1001;
    const type = typeof e.type === 'string' && e.type ? e.type : 'STD_EXCEPTION';
    sendError(res, 500, code, type, typeof e.message === 'string' ? e.message : String(err));
  }
}

function authorized(req: IncomingMessage, url: URL, password: string): boolean {
  let given: string | undefined;
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    given = decoded.slice(decoded.indexOf(':') + 1);
  } else if (typeof req.headers['x-clickhouse-key'] === 'string') {
    given = req.headers['x-clickhouse-key'];
  } else {
    given = url.searchParams.get('password') ?? undefined;
  }
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendError(res: ServerResponse, status: number, code: number, type: string, message: string): void {
  const trimmed = message.trim().replace(/\s*\([A-Z0-9_]{3,}\)\s*$/, '');
  res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-exception-code': String(code) });
  res.end(`Code: ${code}. DB::Exception: ${trimmed} (${type}) (version ${ENGINE_VERSION})\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const encoding = req.headers['content-encoding'];
  const source: Readable = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  return (await readAll(source)).toString('utf8');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _chunk of req) {
    // discard
  }
}
