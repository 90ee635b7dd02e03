/** `dromedary coordinator` (the role) and `dromedary admin …` (the operator's commands on the schedule). */
import { readFile } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Command } from 'commander';
import { type Config, type MarketplaceCode, isMarketplaceCode } from '../../config/index.js';
import {
  type CoordinatorClient,
  type MarketplaceStatus,
  type ProductInput,
  addProducts,
  createCoordinatorClient,
  readProductInput,
  rebuildSchedule,
  removeProducts,
  startCoordinator,
} from '../../coordinator/index.js';
import { type Logger, type Redis, closeRedis, connectRedis, createLogger, onShutdown, redisKeys } from '../../runtime/index.js';
import { createClickHouse, migrate } from '../../storage/index.js';
import { configFromCommand, printJson } from '../context.js';
import { UsageError } from '../errors.js';

interface ProductOptions {
  marketplace?: string;
  file?: string;
  json?: boolean;
}

/** Registers `coordinator` and `admin`. */
export function registerCoordinatorCommands(program: Command): void {
  program
    .command('coordinator')
    .description('run the coordinator: return expired leases, export schedule metrics, run the ingester (until SIGTERM)')
    .option('--no-ingester', 'do not run the ingester in this process (config coordinator.runIngester)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (config metrics.port)')
    .action(async (opts: { ingester: boolean; metricsPort?: string }, command: Command) => {
      const extra: Parameters<typeof configFromCommand>[1] = {};
      if (opts.metricsPort !== undefined) extra.metrics = { port: portNumber(opts.metricsPort) };
      if (!opts.ingester) extra.coordinator = { runIngester: false };
      const config = configFromCommand(command, extra);
      const logger = createLogger({ role: 'coordinator', instanceId: config.instanceId ?? 'coordinator', level: config.log.level });
      const role = await startCoordinator({ config, logger });
      const { done } = onShutdown(logger, [
        ['coordinator', () => role.close()],
        ['logs', () => logger.flush()],
      ]);
      await done;
    });

  const admin = program.command('admin').description('manage the crawl schedule (readable output; --json for scripts)');

  admin
    .command('add')
    .description('track products: ASINs or Amazon URLs (any storefront and URL shape), as arguments or one per line of a file')
    .argument('[products...]', 'ASINs or product URLs')
    .option('-m, --marketplace <code>', 'marketplace of bare ASINs (a URL names its own)', 'us')
    .option('-f, --file <path>', 'read products from a file, one per line (# comments and blank lines skipped)')
    .option('--json', 'print the result as JSON')
    .action(async (products: string[], opts: ProductOptions, command: Command) => {
      const input = await productInput(products, opts);
      await withAdmin(command, { clickhouse: true }, async ({ coordinator, clickhouse }) => {
        const results = await addProducts({ coordinator, clickhouse: clickhouse!, source: 'admin' }, input.byMarketplace);
        report(opts.json, { results, read: input.read, duplicates: input.duplicates, problems: input.problems }, () => {
          for (const r of results) {
            say(`${r.marketplace}: ${r.added} added, ${r.alreadyTracked} already tracked, ${r.scheduled} put on the schedule`);
          }
          if (input.duplicates > 0) say(`${input.duplicates} duplicate reference(s) ignored`);
        });
        reportProblems(input, opts.json);
      });
    });

  admin
    .command('remove')
    .description('stop tracking products (ASINs or URLs, as arguments or a file)')
    .argument('[products...]', 'ASINs or product URLs')
    .option('-m, --marketplace <code>', 'marketplace of bare ASINs (a URL names its own)', 'us')
    .option('-f, --file <path>', 'read products from a file, one per line')
    .option('--json', 'print the result as JSON')
    .action(async (products: string[], opts: ProductOptions, command: Command) => {
      const input = await productInput(products, opts);
      await withAdmin(command, { clickhouse: true }, async ({ coordinator, clickhouse }) => {
        const results = await removeProducts({ coordinator, clickhouse: clickhouse!, source: 'admin' }, input.byMarketplace);
        report(opts.json, { results, read: input.read, duplicates: input.duplicates, problems: input.problems }, () => {
          for (const r of results) say(`${r.marketplace}: ${r.removed} removed, ${r.notTracked} were not tracked`);
        });
        reportProblems(input, opts.json);
      });
    });

  for (const [name, pause] of [['pause', true], ['resume', false]] as const) {
    admin
      .command(name)
      .description(pause ? 'stop handing out leases in a marketplace' : 'hand out leases in a paused marketplace again')
      .argument('<marketplace>', 'marketplace code')
      .option('--json', 'print the result as JSON')
      .action(async (code: string, opts: { json?: boolean }, command: Command) => {
        const marketplace = marketplaceArg(code);
        await withAdmin(command, {}, async ({ coordinator }) => {
          await (pause ? coordinator.pause(marketplace) : coordinator.resume(marketplace));
          report(opts.json, { marketplace, paused: pause }, () => say(`${marketplace}: ${pause ? 'paused' : 'resumed'}`));
        });
      });
  }

  admin
    .command('status')
    .description('the schedule per marketplace: scheduled, due, overdue, leased, checks/min, outcome rates, attention')
    .option('-m, --marketplace <code>', 'only this marketplace')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { marketplace?: string; json?: boolean }, command: Command) => {
      const only = opts.marketplace === undefined ? undefined : [marketplaceArg(opts.marketplace)];
      await withAdmin(command, {}, async ({ coordinator }) => {
        const statuses = await coordinator.status(only);
        report(opts.json, { marketplaces: statuses }, () => {
          if (statuses.length === 0) say('nothing scheduled yet (dromedary admin add …)');
          for (const s of statuses) say(formatStatus(s));
        });
      });
    });

  admin
    .command('requeue')
    .description('make products due now (and reset their failure count)')
    .argument('[products...]', 'ASINs or product URLs')
    .option('-m, --marketplace <code>', 'marketplace of bare ASINs', 'us')
    .option('--all-attention', 'every product flagged as needing attention in the marketplace')
    .option('--json', 'print the result as JSON')
    .action(async (products: string[], opts: ProductOptions & { allAttention?: boolean }, command: Command) => {
      const marketplace = marketplaceArg(opts.marketplace ?? 'us');
      if (opts.allAttention && products.length > 0) throw new UsageError('give products or --all-attention, not both');
      if (!opts.allAttention && products.length === 0) throw new UsageError('give products to requeue, or --all-attention');
      const input = opts.allAttention ? undefined : readProductInput({ args: products, marketplace });
      if (input && input.problems.length > 0) throw new UsageError(problemLines(input).join('\n'));
      await withAdmin(command, {}, async ({ coordinator }) => {
        const results: { marketplace: MarketplaceCode; requeued: number; leased: number; missing: number }[] = [];
        if (!input) results.push({ marketplace, ...(await coordinator.requeue(marketplace, 'attention')) });
        else for (const [m, asins] of input.byMarketplace) results.push({ marketplace: m, ...(await coordinator.requeue(m, asins)) });
        report(opts.json, { results }, () => {
          for (const r of results) say(`${r.marketplace}: ${r.requeued} due now, ${r.leased} leased (left to their worker), ${r.missing} not scheduled`);
        });
      });
    });

  admin
    .command('drain')
    .description("hand back a worker's leases and tell it to stop leasing (it finishes and exits)")
    .argument('<workerId>', 'the worker (crawler node) id')
    .option('--clear', 'let the worker lease again')
    .option('--json', 'print the result as JSON')
    .action(async (workerId: string, opts: { clear?: boolean; json?: boolean }, command: Command) => {
      if (workerId.trim() === '' || workerId.length > 200) throw new UsageError('worker id must be 1–200 characters');
      await withAdmin(command, {}, async ({ coordinator }) => {
        const r = await coordinator.drain(workerId, { clear: opts.clear ?? false });
        report(opts.json, { workerId, cleared: opts.clear ?? false, ...r }, () =>
          say(opts.clear ? `${workerId}: may lease again` : `${workerId}: draining; ${r.leases} lease(s) with ${r.items} ASIN(s) handed back`),
        );
      });
    });

  admin
    .command('rebuild')
    .description('rebuild the schedule and last prices from ClickHouse (after Redis lost them)')
    .option('-m, --marketplace <code>', 'only this marketplace')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { marketplace?: string; json?: boolean }, command: Command) => {
      const marketplaces = opts.marketplace === undefined ? undefined : [marketplaceArg(opts.marketplace)];
      await withAdmin(command, { clickhouse: true }, async ({ coordinator, clickhouse }) => {
        const results = await rebuildSchedule({ coordinator, clickhouse: clickhouse!, marketplaces });
        report(opts.json, { results }, () => {
          if (results.length === 0) say('the catalog is empty: nothing to rebuild');
          for (const r of results) {
            say(`${r.marketplace}: ${r.scheduled} put back on the schedule (${r.withPrices} with last prices), ${r.existing} already there, ${r.retired} retired`);
          }
        });
      });
    });
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function report(json: boolean | undefined, value: unknown, human: () => void): void {
  if (json) printJson(value);
  else human();
}

function problemLines(input: ProductInput): string[] {
  return input.problems.map((p) => `${p.where}: ${p.reason}`);
}

function reportProblems(input: ProductInput, json: boolean | undefined): void {
  if (input.problems.length === 0 || json) return;
  process.stderr.write(`${input.problems.length} reference(s) skipped:\n${problemLines(input).map((l) => `  ${l}`).join('\n')}\n`);
}

function portNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--metrics-port must be a port number, got ${JSON.stringify(text)}`);
  return n;
}

function marketplaceArg(code: string): MarketplaceCode {
  const c = code.trim().toLowerCase();
  if (!isMarketplaceCode(c)) throw new UsageError(`unknown marketplace ${JSON.stringify(code)}`);
  return c;
}

/** Reads the references of add/remove; throws (nothing changed) when none is usable. */
async function productInput(products: readonly string[], opts: ProductOptions): Promise<ProductInput> {
  const marketplace = marketplaceArg(opts.marketplace ?? 'us');
  if (products.length === 0 && !opts.file) throw new UsageError('give products (ASINs or URLs) or --file');
  const file = opts.file ? { name: opts.file, text: await readFile(opts.file, 'utf8') } : undefined;
  const input = readProductInput({ args: products, file, marketplace });
  if (input.byMarketplace.size === 0) {
    const lines = problemLines(input);
    throw new UsageError(lines.length > 0 ? `no usable product reference:\n  ${lines.slice(0, 20).join('\n  ')}` : 'no product references found');
  }
  return input;
}

interface AdminContext {
  config: Config;
  coordinator: CoordinatorClient;
  redis: Redis;
  clickhouse: ClickHouseClient | undefined;
  logger: Logger;
}

/** Opens what an admin command needs (Redis; ClickHouse when asked, schema migrated), runs it, closes all. */
async function withAdmin(command: Command, needs: { clickhouse?: boolean }, run: (ctx: AdminContext) => Promise<void>): Promise<void> {
  const config = configFromCommand(command);
  // Logs go to stderr: stdout carries the command's result.
  const logger = createLogger({ role: 'admin', instanceId: config.instanceId ?? 'admin', level: 'warn', destination: process.stderr });
  const redis = connectRedis({ url: config.redis.url, name: 'admin', options: { maxRetriesPerRequest: 1, retryStrategy: () => null } });
  let clickhouse: ClickHouseClient | undefined;
  try {
    await redis.ping();
    if (needs.clickhouse) {
      clickhouse = await createClickHouse(config, { logger, createDatabase: true, serveBridge: false });
      await migrate(clickhouse, { database: config.clickhouse.database, cluster: config.clickhouse.cluster, logger });
    }
    const keys = redisKeys(config.redis.keyPrefix);
    // Proxy health in status comes from the crawler part, loaded only when status asks for it.
    const proxyHealth = { proxyHealth: async (m: MarketplaceCode) => (await import('../../crawler/index.js')).createProxyHealthSource({ redis, keys }).proxyHealth(m) };
    const coordinator = createCoordinatorClient({ redis, keys, config, proxyHealth });
    await run({ config, coordinator, redis, clickhouse, logger });
  } finally {
    await clickhouse?.close();
    await closeRedis(redis);
    logger.flush();
  }
}

function formatStatus(s: MarketplaceStatus): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lag = s.oldestLagMs > 0 ? ` (oldest waiting ${Math.round(s.oldestLagMs / 1000)} s)` : '';
  const lines = [
    `${s.marketplace}${s.paused ? '  [PAUSED]' : ''}`,
    `  scheduled ${s.scheduled}   due now ${s.dueNow}   overdue ${s.overdue}${lag}`,
    `  leased ${s.leasedItems} in ${s.leases} lease(s)   draining workers ${s.drainingWorkers}`,
    `  last ${s.recent.windowMinutes} min: ${s.recent.checksPerMin} checks/min   ok ${pct(s.recent.successRate)}   captcha ${pct(s.recent.captchaRate)}   blocked ${pct(s.recent.blockedRate)}   failed ${pct(s.recent.failureRate)}`,
    `  needs attention ${s.attention}   retired ${s.retired}   ingestion stream ${s.streamLength}/${s.maxStreamLength}`,
  ];
  if (s.proxies) lines.push(`  proxies healthy ${s.proxies.healthy}   cooling ${s.proxies.cooling}${s.proxies.allCooling ? '  (all cooling: paused itself)' : ''}`);
  return lines.join('\n');
}
