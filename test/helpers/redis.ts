/**
 * A real Redis for a test file: its own `redis-server` on a free port in a temp folder, unless
 * REDIS_URL points at one (then keys are isolated by a random prefix).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Redis, RedisServerProcess, closeRedis, connectRedis } from '../../runtime/index.js';

export interface TestRedis {
  url: string;
  /** A key prefix unique to this test file. */
  keyPrefix: string;
  /** The server process, when this file started one (undefined with REDIS_URL). */
  server: RedisServerProcess | undefined;
  /** Opens a client; closed by `stop()`. */
  client(name?: string): Redis;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const keyPrefix = `t${randomBytes(4).toString('hex')}`;
  const external = process.env.REDIS_URL;
  let server: RedisServerProcess | undefined;
  let dir: string | undefined;
  if (!external) {
    dir = mkdtempSync(join(tmpdir(), 'drom-redis-'));
    server = await RedisServerProcess.start({ dir });
  }
  const url = external ?? server!.url;
  const clients: Redis[] = [];
  return {
    url,
    keyPrefix,
    server,
    client(name) {
      const c = connectRedis({ url, name: name ?? 'test' });
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => closeRedis(c)));
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
