/**
 * The coordinator's Lua scripts (the .lua files beside this one, each prefixed with lib.lua), loaded
 * on a connection with ioredis `defineCommand` and called through typed wrappers. Every script takes
 * the same eight KEYS (coordinator-keys.ts) and the marketplace key prefix as ARGV[1].
 */
import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { Redis } from '../runtime/index.js';
import { type CoordinatorKeys, SCRIPT_KEY_COUNT } from './coordinator-keys.js';

const SCRIPTS = {
  lease: 'lease.lua',
  settle: 'settle.lua',
  renew: 'renew.lua',
  release: 'release.lua',
  reap: 'reap.lua',
  drain: 'drain.lua',
  status: 'status.lua',
  requeue: 'requeue.lua',
  trackers: 'trackers.lua',
  schedule: 'schedule.lua',
  unschedule: 'unschedule.lua',
  inspect: 'inspect.lua',
} as const;

/** The name of a coordinator script. */
export type ScriptName = keyof typeof SCRIPTS;

type ScriptArg = string | number;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;

const COMMAND_PREFIX = 'dromCoord_';
let sources: Readonly<Record<ScriptName, string>> | undefined;

function loadSources(): Readonly<Record<ScriptName, string>> {
  if (sources) return sources;
  const read = (file: string): string => readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
  const lib = read('lib.lua');
  const out = {} as Record<ScriptName, string>;
  for (const [name, file] of Object.entries(SCRIPTS) as [ScriptName, string][]) out[name] = `${lib}\n${read(file)}`;
  sources = Object.freeze(out);
  return sources;
}

/** Defines every coordinator script on `redis` (idempotent). */
export function defineCoordinatorScripts(redis: Redis): void {
  const src = loadSources();
  const commands = redis as unknown as Record<string, unknown>;
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    if (typeof commands[COMMAND_PREFIX + name] === 'function') continue;
    redis.defineCommand(COMMAND_PREFIX + name, { numberOfKeys: SCRIPT_KEY_COUNT, lua: src[name] });
  }
}

/** Runs script `name` for one marketplace; the reply is a RESP2 array (decoded by the caller). */
export async function runScript(redis: Redis, name: ScriptName, keys: CoordinatorKeys, args: readonly ScriptArg[]): Promise<unknown[]> {
  const fn = (redis as unknown as Record<string, ScriptFn | undefined>)[COMMAND_PREFIX + name];
  if (!fn) throw new Error(`coordinator scripts are not defined on this connection (${name})`);
  const reply = await fn.call(redis, ...keys.scriptKeys, keys.prefix, ...args);
  if (!Array.isArray(reply)) throw new Error(`coordinator script ${name} returned a non-array reply`);
  return reply as unknown[];
}

/** Queues script `name` on a pipeline (bulk admin operations); the caller reads the replies. */
export function queueScript(pipeline: ChainableCommander, name: ScriptName, keys: CoordinatorKeys, args: readonly ScriptArg[]): void {
  const fn = (pipeline as unknown as Record<string, ((...a: ScriptArg[]) => unknown) | undefined>)[COMMAND_PREFIX + name];
  if (!fn) throw new Error(`coordinator scripts are not defined on this connection (${name})`);
  fn.call(pipeline, ...keys.scriptKeys, keys.prefix, ...args);
}
