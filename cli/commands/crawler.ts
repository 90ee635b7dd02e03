/** `dromedary crawler` (alias `crawler-node`): runs a crawler node until SIGTERM or a drain. */
import type { Command } from 'commander';
import { type ConfigInput, type MarketplaceCode, isMarketplaceCode } from '../../config/index.js';
import { createLogger, onShutdown } from '../../runtime/index.js';
import { configFromCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { registerProxyCommands } from './proxies.js';

interface CrawlerFlags {
  marketplaces?: string;
  concurrency?: string;
  browser?: boolean;
  metricsPort?: string;
  leaseMs?: string;
  readerWorkers?: string;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** Registers `crawler` / `crawler-node`, and `admin proxies` (call after `admin` exists). */
export function registerCrawlerCommands(program: Command): void {
  program
    .command('crawler')
    .alias('crawler-node')
    .description('run a crawler node: lease due ASINs from the coordinator, check them, record prices (until SIGTERM or drained)')
    .option('-m, --marketplaces <list>', 'marketplaces to check, comma-separated (config crawler.marketplaces)')
    .option('-n, --concurrency <n>', 'checks running at once on this node (config crawler.concurrency)')
    .option('--browser', 'fetch with the system Chromium (PlaywrightCrawler) instead of plain HTTP (config crawler.browser)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (config metrics.port)')
    .option('--lease-ms <ms>', 'lease length to ask for (config coordinator.leaseMs)')
    .option('--reader-workers <n>', 'worker threads decoding and parsing pages (0: on the main thread; default: one per core beyond the first)')
    .action(async (flags: CrawlerFlags, command: Command) => {
      const extra: ConfigInput = {};
      const crawler: NonNullable<ConfigInput['crawler']> = {};
      if (flags.marketplaces !== undefined) {
        const list = flags.marketplaces.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
        if (list.length === 0) throw new UsageError('--marketplaces needs at least one marketplace');
        for (const m of list) if (!isMarketplaceCode(m)) throw new UsageError(`unknown marketplace ${JSON.stringify(m)}`);
        crawler.marketplaces = list as MarketplaceCode[];
      }
      if (flags.concurrency !== undefined) crawler.concurrency = positiveInt('concurrency', flags.concurrency);
      if (flags.browser) crawler.browser = true;
      extra.crawler = crawler;
      if (flags.metricsPort !== undefined) {
        const port = Number(flags.metricsPort);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--metrics-port must be a port number, got ${JSON.stringify(flags.metricsPort)}`);
        extra.metrics = { port };
      }
      if (flags.leaseMs !== undefined) extra.coordinator = { leaseMs: positiveInt('lease-ms', flags.leaseMs) };
      const config = configFromCommand(command, extra);
      const logger = createLogger({ role: 'crawler', instanceId: config.instanceId ?? 'crawler', level: config.log.level });
      let readerWorkers: number | undefined;
      if (flags.readerWorkers !== undefined) {
        readerWorkers = Number(flags.readerWorkers);
        if (!Number.isInteger(readerWorkers) || readerWorkers < 0) throw new UsageError('--reader-workers must be 0 or a positive integer');
      }
      // The crawler part (and its libraries) loads only for this command.
      const { startCrawlerNode } = await import('../../crawler/index.js');
      const node = await startCrawlerNode({ config, logger, readerWorkers });
      const { shutdown, done } = onShutdown(logger, [
        ['crawler node', () => node.close()],
        ['logs', () => logger.flush()],
      ]);
      // A drain (dromedary admin drain <id>) ends the node like SIGTERM does.
      void node.done.then((why) => (why === 'drained' ? shutdown('drained') : undefined));
      await done;
      // Library handles (keep-alive sockets, browser processes) must not hold the process after a clean stop.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
    });
  registerProxyCommands(program);
}
