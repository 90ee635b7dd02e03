/** `dromedary alerter`: judge committed price changes against trackings and deliver the alerts (until SIGTERM). */
import type { Command } from 'commander';
import { startAlerter } from '../../alerts/index.js';
import { MARKETPLACE_CODES, type MarketplaceCode, isMarketplaceCode } from '../../config/index.js';
import { closeRedis, connectRedis, createLogger, createMetricsRegistry, onShutdown, startMetricsServer } from '../../runtime/index.js';
import { createClickHouse, migrate } from '../../storage/index.js';
import { configFromCommand } from '../context.js';
import { UsageError } from '../errors.js';

/** Registers `alerter`. */
export function registerAlerterCommands(program: Command): void {
  program
    .command('alerter')
    .description('run the alerter: turn committed price changes into alerts and deliver them by email and webhook (until SIGTERM)')
    .option('--marketplaces <codes>', 'comma-separated marketplaces to judge (default: all)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (config metrics.port)')
    .action(async (opts: { marketplaces?: string; metricsPort?: string }, command: Command) => {
      const extra: Parameters<typeof configFromCommand>[1] = {};
      if (opts.metricsPort !== undefined) {
        const port = Number(opts.metricsPort);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--metrics-port expects a port, got ${JSON.stringify(opts.metricsPort)}`);
        extra.metrics = { port };
      }
      const config = configFromCommand(command, extra);
      const marketplaces = parseMarketplaces(opts.marketplaces);
      const logger = createLogger({ role: 'alerter', instanceId: config.instanceId ?? 'alerter', level: config.log.level });
      const registry = createMetricsRegistry('alerter');
      const redis = connectRedis({ url: config.redis.url, name: 'alerter' });
      const clickhouse = await createClickHouse(config, { logger, createDatabase: true });
      await migrate(clickhouse, { database: config.clickhouse.database, cluster: config.clickhouse.cluster, logger });
      const alerter = await startAlerter({ clickhouse, redis, config, logger, registry, marketplaces });
      const metrics = config.metrics.port === undefined ? undefined : await startMetricsServer([registry], { port: config.metrics.port, host: config.metrics.host });
      const { done } = onShutdown(logger, [
        ['alerter', () => alerter.close()],
        ['metrics', () => metrics?.close()],
        ['clickhouse', () => clickhouse.close()],
        ['redis', () => closeRedis(redis)],
        ['logs', () => logger.flush()],
      ]);
      await done;
    });
}

function parseMarketplaces(list: string | undefined): MarketplaceCode[] {
  if (!list) return [...MARKETPLACE_CODES];
  const codes = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const code of codes) if (!isMarketplaceCode(code)) throw new UsageError(`unknown marketplace ${JSON.stringify(code)}`);
  return codes as MarketplaceCode[];
}
