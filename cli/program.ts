/** The `dromedary` command tree. Each part registers its own commands; this file only assembles them. */
import { Command } from 'commander';
import { registerBenchCommands } from './commands/bench.js';
import { registerConfigCommands } from './commands/config.js';
import { registerSimCommands } from './commands/sim.js';
import { registerStorageCommands } from './commands/storage.js';
import { registerCoordinatorCommands } from './commands/coordinator.js';
import { registerParseCommands } from './commands/parse.js';
import { registerApiCommands } from './commands/api.js';
import { registerCrawlerCommands } from './commands/crawler.js';
import { registerAlerterCommands } from './commands/alerter.js';
import { registerStartCommands } from './commands/start.js';

/** Builds the program. Commands throw; {@link runCli} maps errors to exit codes. */
export function buildProgram(): Command {
  const program = new Command('dromedary')
    .description('Dromedary: a self-hostable, horizontally scalable Amazon price tracker')
    .version('0.1.0')
    .option('-c, --config <file>', 'JSON configuration file (default: $DROMEDARY_CONFIG)')
    .option('--redis-url <url>', 'Redis URL (default: $REDIS_URL or redis://127.0.0.1:6379)')
    .option('--clickhouse-url <url>', 'ClickHouse server URL (default: $CLICKHOUSE_URL, else the embedded engine)')
    .option('--data-dir <dir>', 'data folder for the embedded engine (default: ./data)')
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug, trace, silent')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  program.exitOverride();
  registerConfigCommands(program);
  registerBenchCommands(program);
  registerSimCommands(program);
  registerStorageCommands(program);
  registerCoordinatorCommands(program);
  registerParseCommands(program);
  registerApiCommands(program);
  registerCrawlerCommands(program);
  registerAlerterCommands(program);
  registerStartCommands(program);
  return program;
}
