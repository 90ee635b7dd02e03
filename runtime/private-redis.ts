/**
 * The private Redis of a one-process installation (`dromedary start`): a `redis-server` child keeping
 * its data under `<dataDir>/redis`, advertised in `<dataDir>/redis.json` so that other commands run
 * against the same data folder (`dromedary admin …`) reach it without configuration.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RedisServerProcess } from './redis-server-process.js';

interface RedisAdvert {
  url: string;
  pid: number;
}

/** A running private Redis; `stop()` removes the advertisement and stops the server. Idempotent. */
export interface PrivateRedis {
  readonly url: string;
  stop(): Promise<void>;
}

function advertPath(dataDir: string): string {
  return resolve(dataDir, 'redis.json');
}

/** Starts the private Redis of `dataDir` (append-only file, loopback only) and advertises it. */
export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  const server = await RedisServerProcess.start({ dir: join(resolve(dataDir), 'redis'), persistent: true });
  writeFileSync(advertPath(dataDir), `${JSON.stringify({ url: server.url, pid: process.pid } satisfies RedisAdvert)}\n`, { mode: 0o600 });
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    stop() {
      stopping ??= (async () => {
        rmSync(advertPath(dataDir), { force: true });
        await server.stop();
      })();
      return stopping;
    },
  };
}

/** The URL of the private Redis a live process advertises for `dataDir`, if any. */
export function advertisedPrivateRedis(dataDir: string): string | undefined {
  const path = advertPath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const advert = JSON.parse(readFileSync(path, 'utf8')) as Partial<RedisAdvert>;
    if (typeof advert.url !== 'string' || typeof advert.pid !== 'number') return undefined;
    process.kill(advert.pid, 0);
    return advert.url;
  } catch {
    return undefined;
  }
}
