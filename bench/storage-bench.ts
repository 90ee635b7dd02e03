/**
 * `dromedary bench storage`: pushes synthetic price points through the Redis ingestion stream and the
 * ingester into the embedded engine, with every materialized view active, and measures points per
 * second, compressed bytes per point (system.parts, all price_points columns, after merges) and the
 * views' overhead (the same pipeline with the views detached, measured in the same run).
 * Uses a private redis-server in a temp folder (unless a Redis URL is configured) and a temp data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import { configFromCommand, printJson } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { RedisServerProcess, closeRedis, connectRedis, silentLogger } from '../runtime/index.js';
import { createClickHouse, createIngester, migrate, selectRows } from '../storage/index.js';
import { engineBatches, round, runEnginePhase } from './storage-bench-engine.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

interface BenchOptions {
  points: number;
  asins: number;
  baselinePoints: number;
  entryObservations: number;
  batchEntries: number;
  engineOnly: boolean;
}

interface PhaseResult {
  points: number;
  seconds: number;
  points_per_sec: number;
  batches: number;
  producer_points_per_sec: number;
}

/** Registers `dromedary bench storage`. */
export function registerStorageBench(bench: Command): void {
  bench
    .command('storage')
    .description('ingest synthetic price points through Redis and the ingester with all views; report points/s, bytes/point, views overhead')
    .option('--points <n>', 'price points to ingest with views', '10000000')
    .option('--asins <n>', 'distinct products', '100000')
    .option('--baseline-points <n>', 'points for the run without views (default: --points)')
    .option('--entry-observations <n>', 'observations per stream entry', '100')
    .option('--batch-entries <n>', 'stream entries per insert', '1000')
    .option('--engine-only', 'measure only the engine: insert bodies built in memory first, no Redis, no ingester')
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, string | boolean | undefined>, command: Command) => {
      const num = (name: string, value: unknown): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
        return n;
      };
      const options: BenchOptions = {
        points: num('points', opts.points),
        asins: num('asins', opts.asins),
        baselinePoints: num('baseline-points', opts.baselinePoints ?? opts.points),
        entryObservations: num('entry-observations', opts.entryObservations),
        batchEntries: num('batch-entries', opts.batchEntries),
        engineOnly: opts.engineOnly === true,
      };
      const run = options.engineOnly ? runEngineBench : runStorageBench;
      const result = await run(configFromCommand(command), options, (line) => {
        if (!opts.json) process.stderr.write(`${line}\n`);
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}

/**
 * The engine alone: the same inserts the ingester makes (batches of `batchEntries` x
 * `entryObservations` points), from bodies built beforehand, with the views detached (baseline) and
 * with every view; CPU per point counts the merges the inserts cause.
 */
export async function runEngineBench(base: Config, options: BenchOptions, progress: (line: string) => void): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'drom-bench-engine-'));
  const config: Config = { ...base, dataDir: join(dir, 'data'), clickhouse: { ...base.clickhouse, url: undefined, cluster: undefined } };
  const clickhouse = await createClickHouse(config, { logger: silentLogger(), createDatabase: true, serveBridge: false });
  const batchPoints = options.batchEntries * options.entryObservations;
  try {
    await migrate(clickhouse, { database: config.clickhouse.database, logger: silentLogger() });
    const views = (
      await selectRows<{ name: string }>(clickhouse, "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name")
    ).map((r) => r.name);
    progress(`baseline: building ${options.baselinePoints} points, inserting them with the ${views.length} views detached`);
    for (const view of views) await clickhouse.command({ query: `DETACH TABLE \`${view}\`` });
    const baseline = await runEnginePhase(clickhouse, engineBatches(options.baselinePoints, options.asins, batchPoints, 'A', 7), 'baseline');
    for (const view of views) await clickhouse.command({ query: `ATTACH TABLE \`${view}\`` });
    await clickhouse.command({ query: 'TRUNCATE TABLE price_points' });
    progress(`with views: building ${options.points} points, inserting them`);
    const withViews = await runEnginePhase(clickhouse, engineBatches(options.points, options.asins, batchPoints, 'B', 1), 'views');
    const cores = cpus().length;
    return {
      bench: 'storage-engine',
      points: withViews.points,
      asins: options.asins,
      points_per_sec: withViews.points_per_sec,
      cpu_us_per_point: withViews.cpu_us_per_point,
      // The rate if every core did nothing but the engine's work for these points.
      cpu_bound_points_per_sec: Math.round((cores * 1e6) / withViews.cpu_us_per_point),
      merge_tail_seconds: withViews.merge_tail_seconds,
      views: views.length,
      views_overhead: round(withViews.cpu_us_per_point / baseline.cpu_us_per_point, 3),
      baseline_without_views: { ...baseline, cpu_bound_points_per_sec: Math.round((cores * 1e6) / baseline.cpu_us_per_point) },
      insert_batch_rows: batchPoints,
      engine: 'embedded (chDB)',
      cpus: cores,
      load_average: loadavg().map((l) => round(l, 2)),
    };
  } finally {
    await clickhouse.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and returns its figures. */
export async function runStorageBench(base: Config, options: BenchOptions, progress: (line: string) => void): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'drom-bench-storage-'));
  const privateRedis = base.redis.url === DEFAULT_REDIS_URL ? await RedisServerProcess.start({ dir: join(dir, 'redis') }) : undefined;
  const redisUrl = privateRedis?.url ?? base.redis.url;
  const keyPrefix = `bench${process.pid}`;
  const config: Config = {
    ...base,
    dataDir: join(dir, 'data'),
    instanceId: 'bench-ingester',
    redis: { ...base.redis, url: redisUrl, keyPrefix },
    clickhouse: { ...base.clickhouse, url: undefined, cluster: undefined },
    ingest: { ...base.ingest, batchEntries: options.batchEntries, blockMs: 50, faultInjection: 'none' },
  };
  const redis = connectRedis({ url: redisUrl, name: 'bench' });
  const clickhouse = await createClickHouse(config, { logger: silentLogger(), createDatabase: true, serveBridge: false });
  try {
    await migrate(clickhouse, { database: config.clickhouse.database, logger: silentLogger() });
    const views = (
      await selectRows<{ name: string }>(clickhouse, "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name")
    ).map((r) => r.name);

    progress(`baseline: ${options.baselinePoints} points with the ${views.length} views detached`);
    for (const view of views) await clickhouse.command({ query: `DETACH TABLE \`${view}\`` });
    const baseline = await runPhase({ ...config, redis: { ...config.redis, keyPrefix: `${keyPrefix}b` } }, redis, clickhouse, options, options.baselinePoints, 'A', 7);
    for (const view of views) await clickhouse.command({ query: `ATTACH TABLE \`${view}\`` });
    await clickhouse.command({ query: 'TRUNCATE TABLE price_points' });
    await redis.flushdb();

    progress(`with views: ${options.points} points over ${options.asins} ASINs`);
    const withViews = await runPhase(config, redis, clickhouse, options, options.points, 'B', 1);

    const before = await partsBytes(clickhouse);
    progress('merging price_points to measure its steady-state size');
    await clickhouse.command({ query: 'OPTIMIZE TABLE price_points FINAL', clickhouse_settings: { optimize_throw_if_noop: 0 } });
    const after = await partsBytes(clickhouse);
    const columns = await selectRows<{ column: string; bytes: number | string }>(
      clickhouse,
      `SELECT column, sum(column_data_compressed_bytes) AS bytes FROM system.parts_columns
       WHERE database = currentDatabase() AND table = 'price_points' AND active GROUP BY column ORDER BY bytes DESC`,
    );
    const rollups = await selectRows<{ table: string; rows: number | string }>(
      clickhouse,
      `SELECT table, sum(rows) AS rows FROM system.parts WHERE database = currentDatabase() AND active
         AND table IN ('price_hourly', 'price_days', 'price_latest', 'price_stats', 'price_drops', 'price_changes') GROUP BY table ORDER BY table`,
    );
    const perPointWith = withViews.seconds / withViews.points;
    const perPointWithout = baseline.seconds / baseline.points;
    return {
      bench: 'storage',
      points: withViews.points,
      asins: options.asins,
      points_per_sec: withViews.points_per_sec,
      seconds: withViews.seconds,
      bytes_per_point: round(after.bytes / after.rows, 3),
      bytes_per_point_before_merge: round(before.bytes / before.rows, 3),
      stored_rows: after.rows,
      views_overhead: round(perPointWith / perPointWithout, 3),
      views: views.length,
      baseline_without_views: baseline,
      producer_points_per_sec: withViews.producer_points_per_sec,
      insert_batch_rows: Math.round(withViews.points / Math.max(1, withViews.batches)),
      insert_batches: withViews.batches,
      observations_per_entry: options.entryObservations,
      column_bytes_per_point: Object.fromEntries(columns.map((c) => [c.column, round(Number(c.bytes) / after.rows, 3)])),
      view_rows: Object.fromEntries(rollups.map((r) => [r.table, Number(r.rows)])),
      engine: 'embedded (chDB)',
      redis: privateRedis ? 'private redis-server' : 'configured',
      cpus: cpus().length,
      load_average: loadavg().map((l) => round(l, 2)),
    };
  } finally {
    await clickhouse.close();
    await closeRedis(redis);
    await privateRedis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPhase(
  config: Config,
  redis: ReturnType<typeof connectRedis>,
  clickhouse: ClickHouseClient,
  options: BenchOptions,
  points: number,
  asinPrefix: string,
  seed: number,
): Promise<PhaseResult> {
  const registry = new Registry();
  const ingester = createIngester({ redis, clickhouse, config, logger: silentLogger(), registry, marketplaces: ['us'] });
  const started = performance.now();
  await ingester.start();
  const script = fileURLToPath(new URL(`./storage-bench-producer${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  const producerData = {
    redisUrl: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    asins: options.asins,
    points,
    observationsPerEntry: options.entryObservations,
    // Room for a few insert batches: enough to keep the ingester busy, small enough to show back-pressure.
    maxStreamLength: 4 * options.batchEntries,
    asinPrefix,
    seed,
  };
  // The child inherits this process's execArgv, so it runs from TypeScript source under tsx as well as from dist.
  const child = fork(script, [JSON.stringify(producerData)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const produced = new Promise<{ produced: number; seconds: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { produced: number; seconds: number }));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the producer exited with code ${code}`))));
    });
    const counter = async (name: string, label?: string): Promise<number> => {
      const metric = registry.getSingleMetric(name);
      if (!metric) return 0;
      const values = (await metric.get()).values;
      return values.filter((v) => !label || v.labels.result === label).reduce((s, v) => s + v.value, 0);
    };
    let failure: Error | undefined;
    produced.catch((err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))));
    while ((await counter('dromedary_ingest_points_total')) < points) {
      if (failure) throw failure;
      await sleep(50);
    }
    const seconds = (performance.now() - started) / 1000;
    const batches = await counter('dromedary_ingest_batches_total', 'ok');
    const producer = await produced;
    return {
      points,
      seconds: round(seconds, 2),
      points_per_sec: Math.round(points / seconds),
      batches,
      producer_points_per_sec: Math.round(producer.produced / producer.seconds),
    };
  } finally {
    await ingester.close();
    if (child.exitCode === null) child.kill();
  }
}

async function partsBytes(client: ClickHouseClient): Promise<{ bytes: number; rows: number }> {
  const [row] = await selectRows<{ bytes: number | string; rows: number | string }>(
    client,
    `SELECT sum(data_compressed_bytes) AS bytes, sum(rows) AS rows FROM system.parts
     WHERE database = currentDatabase() AND table = 'price_points' AND active`,
  );
  return { bytes: Number(row?.bytes ?? 0), rows: Number(row?.rows ?? 0) };
}
