/** What every command receives: the global flags turned into configuration, and output helpers. */
import type { Command } from 'commander';
import { type Config, type ConfigInput, loadConfig } from '../config/index.js';

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
  return loadConfig({ file: g.config, flags });
}

/** Writes one JSON value as a line to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
