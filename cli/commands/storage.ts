/** `dromedary migrate`, `dromedary ingest`, `dromedary sql`: the storage commands. */
import type { Command } from 'commander';
import { MARKETPLACE_CODES, type MarketplaceCode, isMarketplaceCode } from '../../config/index.js';
import { closeRedis, connectRedis, createLogger, createMetricsRegistry, onShutdown, startMetricsServer } from '../../runtime/index.js';
import { clickHouseMode, createClickHouse, createIngester, migrate } from '../../storage/index.js';
import { configFromCommand, printJson } from '../context.js';
import { UsageError } from '../errors.js';

export function registerStorageCommands(program: Command): void {
  program
    .command('migrate')
    .description('create or update the ClickHouse schema (idempotent; --cluster for the ReplicatedMergeTree + Distributed variant)')
    .option('--cluster <name>', 'apply the cluster variant ON CLUSTER <name> (default: config clickhouse.cluster)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { cluster?: string; json?: boolean }, command: Command) => {
      const config = configFromCommand(command, opts.cluster ? { clickhouse: { cluster: opts.cluster } } : {});
      // The command prints its own summary; logs only say what went wrong.
      const logger = createLogger({ role: 'migrate', instanceId: config.instanceId ?? 'migrate', level: 'warn' });
      const client = await createClickHouse(config, { logger, createDatabase: true, serveBridge: false });
      try {
        const result = await migrate(client, { database: config.clickhouse.database, cluster: config.clickhouse.cluster, logger });
        if (opts.json) printJson({ ...result, mode: clickHouseMode(client) });
        else {
          process.stdout.write(
            `database ${result.database}${result.cluster ? ` on cluster ${result.cluster}` : ''}: ` +
              `${result.applied.length} migration(s) applied, ${result.alreadyApplied} already applied\n`,
          );
          for (const m of result.applied) process.stdout.write(`  applied ${m.name}\n`);
        }
      } finally {
        await client.close();
        logger.flush();
      }
    });

  program
    .command('ingest')
    .description('move observations from the Redis ingestion streams into ClickHouse (runs until SIGTERM)')
    .option('--marketplaces <codes>', 'comma-separated marketplaces to read (default: all)')
    .action(async (opts: { marketplaces?: string }, command: Command) => {
      const config = configFromCommand(command);
      const marketplaces = parseMarketplaces(opts.marketplaces);
      const logger = createLogger({ role: 'ingest', instanceId: config.instanceId ?? 'ingest', level: config.log.level });
      const registry = createMetricsRegistry('ingest');
      const redis = connectRedis({ url: config.redis.url, name: 'ingest' });
      const clickhouse = await createClickHouse(config, { logger });
      const ingester = createIngester({ redis, clickhouse, config, logger, registry, marketplaces });
      const metrics = config.metrics.port === undefined ? undefined : await startMetricsServer([registry], { port: config.metrics.port, host: config.metrics.host });
      const { done } = onShutdown(logger, [
        ['ingester', () => ingester.close()],
        ['metrics', () => metrics?.close()],
        ['clickhouse', () => clickhouse.close()],
        ['redis', () => closeRedis(redis)],
        ['logs', () => logger.flush()],
      ]);
      await ingester.start();
      await done;
    });

  program
    .command('sql')
    .description('run a query on the configured ClickHouse and print the result as JSONEachRow')
    .argument('<query>', 'the SQL; bind values with {name:Type} placeholders and --param name=value')
    .option('--param <name=value>', 'a query parameter (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async (query: string, opts: { param: string[] }, command: Command) => {
      const config = configFromCommand(command);
      const params: Record<string, string> = {};
      for (const p of opts.param) {
        const eq = p.indexOf('=');
        if (eq <= 0) throw new UsageError(`--param expects name=value, got ${JSON.stringify(p)}`);
        params[p.slice(0, eq)] = p.slice(eq + 1);
      }
      const logger = createLogger({ role: 'sql', instanceId: config.instanceId ?? 'sql', level: 'warn' });
      const client = await createClickHouse(config, { logger, serveBridge: false });
      try {
        const result = await client.exec({ query, query_params: params, clickhouse_settings: { default_format: 'JSONEachRow' } });
        for await (const chunk of result.stream) process.stdout.write(chunk as Buffer);
      } finally {
        await client.close();
        logger.flush();
      }
    });
}

function parseMarketplaces(list: string | undefined): MarketplaceCode[] {
  if (!list) return [...MARKETPLACE_CODES];
  const codes = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const code of codes) if (!isMarketplaceCode(code)) throw new UsageError(`unknown marketplace ${JSON.stringify(code)}`);
  return codes as MarketplaceCode[];
}
