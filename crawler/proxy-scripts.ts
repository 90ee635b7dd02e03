/**
 * The proxy pool's Lua scripts (proxy-cool.lua, proxy-clear.lua beside this file), defined on a
 * connection with ioredis `defineCommand` and called through typed wrappers.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from '../runtime/index.js';

type ScriptFn = (key: string, ...args: (string | number)[]) => Promise<unknown>;

const SCRIPTS = { cool: 'proxy-cool.lua', clear: 'proxy-clear.lua' } as const;
const PREFIX = 'dromCrawlerProxy_';
const sources = new Map<string, string>();

function define(redis: Redis, name: keyof typeof SCRIPTS): ScriptFn {
  const command = PREFIX + name;
  const commands = redis as unknown as Record<string, ScriptFn | undefined>;
  if (typeof commands[command] !== 'function') {
    let lua = sources.get(name);
    if (lua === undefined) {
      lua = readFileSync(new URL(`./${SCRIPTS[name]}`, import.meta.url), 'utf8');
      sources.set(name, lua);
    }
    redis.defineCommand(command, { numberOfKeys: 1, lua });
  }
  return commands[command]!.bind(redis);
}

/** The result of cooling a proxy in one storefront. */
export interface CoolResult {
  /** Epoch ms (Redis clock) until which the proxy cools. */
  readonly until: number;
  /** Consecutive robot-check episodes, the exponent of the back-off. */
  readonly strikes: number;
  /** False when the proxy was already cooling (nothing changed). */
  readonly changed: boolean;
  /** The Redis server's clock when the script ran, epoch ms. */
  readonly serverNow: number;
}

/** Typed wrappers of the pool's scripts on `redis`. */
export interface ProxyScripts {
  cool(coolingKey: string, proxyId: string, firstMs: number, longestMs: number): Promise<CoolResult>;
  /** Forgets the proxy's strikes if the successful request was sent (`sentAt`, Redis clock) after its last cool-down. */
  clear(coolingKey: string, proxyId: string, sentAt: number): Promise<boolean>;
}

export function proxyScripts(redis: Redis): ProxyScripts {
  const cool = define(redis, 'cool');
  const clear = define(redis, 'clear');
  return {
    async cool(key, proxyId, firstMs, longestMs) {
      const reply = await cool(key, proxyId, firstMs, longestMs);
      if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`proxy-cool returned ${JSON.stringify(reply)}`);
      const [until, strikes, changed, now] = reply.map(Number) as [number, number, number, number];
      return { until, strikes, changed: changed === 1, serverNow: now };
    },
    async clear(key, proxyId, sentAt) {
      return Number(await clear(key, proxyId, Math.round(sentAt))) === 1;
    },
  };
}

/** Parses a cooling entry `until|strikes`. */
export function parseCooling(raw: string): { until: number; strikes: number } {
  const sep = raw.indexOf('|');
  return { until: Number(raw.slice(0, sep)) || 0, strikes: Number(raw.slice(sep + 1)) || 0 };
}
