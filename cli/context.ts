/** What every command receives: the global flags turned into configuration, and output helpers. */
import type { Command } from 'commander';
import { type Config, type ConfigInput, DEFAULT_REDIS_URL, loadConfig } from '../config/index.js';
import { advertisedPrivateRedis } from '../runtime/index.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  config?: string;
  redisUrl?: string;
  clickhouseUrl?: string;
  dataDir?: string;
  logLevel?: string;
}

/** The global options of the root program, seen from any subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Loads configuration with flag > env > file > default, plus any command-specific flag values. */
export function configFromCommand(command: Command, extra: ConfigInput = {}): Config {
  const g = globalOptions(command);
  const flags: ConfigInput = { ...extra };
  if (g.dataDir) flags.dataDir = g.dataDir;
  if (g.logLevel) flags.log = { ...flags.log, level: g.logLevel as NonNullable<ConfigInput['log']>['level'] };
  if (g.redisUrl) flags.redis = { ...flags.redis, url: g.redisUrl };
  if (g.clickhouseUrl) flags.clickhouse = { ...flags.clickhouse, url: g.clickhouseUrl };
  const config = loadConfig({ file: g.config, flags });
  // With no Redis configured, use the private one `dromedary start` runs for this data folder, if any.
  if (config.redis.url === DEFAULT_REDIS_URL && flags.redis?.url === undefined) {
    const privateUrl = advertisedPrivateRedis(config.dataDir);
    if (privateUrl) return loadConfig({ file: g.config, flags: { ...flags, redis: { ...flags.redis, url: privateUrl } } });
  }
  return config;
}

/** Writes one JSON value as a line to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
