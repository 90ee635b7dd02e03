/**
 * A private `redis-server` child process: `dromedary start` runs one for its data, tests run one each.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown when `redis-server` is not installed. Fatal: install it. */
export class RedisServerMissingError extends Error {
  constructor(binary: string) {
    super(
      `"${binary}" was not found. Install Redis (Debian/Ubuntu: sudo apt-get install -y redis-server) ` +
        'or point Dromedary at a running Redis with REDIS_URL.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export interface RedisServerProcessOptions {
  /** Folder for the server's files (AOF, dump). Created if missing. */
  dir: string;
  /** TCP port on 127.0.0.1; default: a free port. */
  port?: number;
  /** Keep data across restarts with an append-only file; default false (tests). */
  persistent?: boolean;
  /** The binary; default `redis-server` from PATH. */
  binary?: string;
}

/** A running private redis-server. `stop()` is idempotent; `start()` after `stop()` reuses the port and folder. */
export class RedisServerProcess {
  #child: ChildProcess | undefined;
  #port: number;
  readonly #options: RedisServerProcessOptions;

  private constructor(options: RedisServerProcessOptions, port: number) {
    this.#options = options;
    this.#port = port;
  }

  /** Starts a server and waits until it accepts connections. */
  static async start(options: RedisServerProcessOptions): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(options, options.port ?? (await freePort()));
    await server.start();
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const binary = this.#options.binary ?? 'redis-server';
    if (spawnSync(binary, ['--version']).error) throw new RedisServerMissingError(binary);
    mkdirSync(this.#options.dir, { recursive: true });
    const args = [
      '--port', String(this.#port),
      '--bind', '127.0.0.1',
      '--dir', this.#options.dir,
      '--save', '',
      '--appendonly', this.#options.persistent ? 'yes' : 'no',
      '--appendfsync', 'everysec',
      '--protected-mode', 'yes',
      '--loglevel', 'warning',
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.#port))) {
      if (!this.running) throw new Error(`redis-server exited at start: ${stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not accept connections on port ${this.#port}`);
      await sleep(20);
    }
  }

  /** Stops the server: SIGTERM (a clean shutdown), or SIGKILL with `{ kill: true }` to simulate a crash. */
  async stop({ kill = false }: { kill?: boolean } = {}): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
    this.#child = undefined;
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
