/**
 * `dromedary bench api`: the API under load on a realistic store (≥ 20M price points over ≥ 10K
 * products in the embedded engine, every view active, rollups merged as background merges leave them).
 * autocannon runs in a child process; each request's product is drawn from a Zipf distribution (rank r
 * gets weight 1/r^s: a few products get most requests). Phases, each measured in the same run:
 *
 * - baseline: `GET /healthz` (the HTTP stack's floor) and a single-product chart statement alone;
 * - warm-up: every product's 1y chart and browser lookup once (a server that has been up a while);
 * - chart: 1y chart data, Zipf, with ingestion announcements arriving meanwhile (each evicts a product);
 * - chart cold: the same on an app built with the cache off — every request computed from ClickHouse;
 * - browser: the extension's lookup by URL, Zipf, warm;
 * - chart cold with one connection (the latency of a lone cold request);
 * - search: on `--search-products` products (another marketplace of the store), every query once
 *   (uncached), then Zipf over the same queries (repeats served by the search cache).
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Command } from 'commander';
import { buildApp } from '../api/index.js';
import type { Config } from '../config/index.js';
import { configFromCommand, printJson } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { RedisServerProcess, closeRedis, connectRedis, redisKeys, silentLogger } from '../runtime/index.js';
import { chartData, createClickHouse, migrate, selectRows } from '../storage/index.js';
import { SEARCH_WORDS, storedBenchData, writeApiBenchData, writeSearchProducts } from './api-bench-data.js';

interface ApiBenchOptions {
  points: number;
  asins: number;
  durationSecs: number;
  connections: number;
  coldConnections: number;
  zipf: number;
  /** Ingestion announcements per second during the warm phases. */
  announcePerSec: number;
  /** Keep the store in this folder (reused by the next run when it holds enough points). */
  store: string | undefined;
  /** Products of the search phase (0: no search phase). */
  searchProducts: number;
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  seconds: number;
}

/** Registers `dromedary bench api`. */
export function registerApiBench(bench: Command): void {
  bench
    .command('api')
    .description('load the API (autocannon, Zipf over products) on a store of ≥ 20M points: chart, cold chart and browser lookup latency and throughput')
    .option('--points <n>', 'price points in the store', '20000000')
    .option('--asins <n>', 'products', '10000')
    .option('--duration <secs>', 'seconds per measured phase', '10')
    .option('--connections <n>', 'concurrent connections of the warm phases', '16')
    .option('--cold-connections <n>', 'concurrent connections of the cold phase (a second cold phase runs with one)', '4')
    .option('--zipf <s>', 'Zipf exponent of product popularity', '1.0')
    .option('--announce-per-sec <n>', 'ingestion announcements (products with new prices) per second during warm phases', '5')
    .option('--search-products <n>', 'products of the search phase (another marketplace of the same store; 0 skips it)', '1000000')
    .option('--store <dir>', 'keep the store in this folder and reuse it next time (default: a temporary folder)')
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, string | boolean | undefined>, command: Command) => {
      const int = (name: string, value: unknown, min = 1): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
        return n;
      };
      const zipf = Number(opts.zipf);
      if (!(zipf > 0 && zipf < 5)) throw new UsageError('--zipf must be between 0 and 5');
      const options: ApiBenchOptions = {
        points: int('points', opts.points),
        asins: int('asins', opts.asins),
        durationSecs: int('duration', opts.duration),
        connections: int('connections', opts.connections),
        coldConnections: int('cold-connections', opts.coldConnections),
        zipf,
        announcePerSec: int('announce-per-sec', opts.announcePerSec, 0),
        store: typeof opts.store === 'string' ? opts.store : undefined,
        searchProducts: int('search-products', opts.searchProducts, 0),
      };
      const result = await runApiBench(configFromCommand(command), options, (line) => {
        if (!opts.json) process.stderr.write(`${line}\n`);
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}

/** Runs the benchmark; see the file header. */
export async function runApiBench(base: Config, options: ApiBenchOptions, progress: (line: string) => void): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'drom-bench-api-'));
  const dataDir = options.store ?? join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const redisServer = await RedisServerProcess.start({ dir: join(dir, 'redis') });
  const keyPrefix = `bench${process.pid}`;
  const config: Config = {
    ...base,
    dataDir,
    redis: { ...base.redis, url: redisServer.url, keyPrefix },
    clickhouse: { ...base.clickhouse, url: undefined, cluster: undefined },
    api: { ...base.api, host: '127.0.0.1', port: 0 },
  };
  const logger = silentLogger();
  const redis = connectRedis({ url: redisServer.url, name: 'bench-api' });
  const clickhouse = await createClickHouse(config, { logger, createDatabase: true, serveBridge: false });
  const apps: { close(): Promise<void> }[] = [];
  try {
    await migrate(clickhouse, { database: config.clickhouse.database, logger });
    let stored = await storedBenchData(clickhouse);
    let generateSeconds = 0;
    if (stored.points < options.points || stored.asins.length < options.asins) {
      if (stored.points > 0) throw new UsageError(`the store in ${dataDir} holds ${stored.points} points of another size: use an empty folder`);
      progress(`writing ${options.points} points over ${options.asins} products (views active)`);
      const written = await writeApiBenchData(clickhouse, { points: options.points, asins: options.asins, progress });
      generateSeconds = written.seconds;
      progress('merging the rollups (the state background merges reach)');
      for (const table of ['price_days', 'price_hourly', 'price_stats', 'price_latest', 'products', 'catalog']) {
        await clickhouse.command({ query: `OPTIMIZE TABLE ${table} FINAL`, clickhouse_settings: { optimize_throw_if_noop: 0 } });
      }
      stored = await storedBenchData(clickhouse);
    }
    const asins = stored.asins;
    const order = shuffled(asins, 7);
    const draw = zipfSampler(order.length, options.zipf, 13);
    const zipfPaths = (n: number, path: (asin: string) => string): string[] => Array.from({ length: n }, () => path(order[draw()] as string));
    const chartPath = (asin: string): string => `/api/v1/products/${asin}/chart?marketplace=us&range=1y`;
    const browserPath = (asin: string): string => `/api/v1/browser/product?url=${encodeURIComponent(`https://www.amazon.com/Some-Product-Name/dp/${asin}/ref=sr_1_1?keywords=x`)}`;

    const warm = await buildApp({ config, clickhouse, redis, logger, rateLimitPerMin: 1_000_000_000 });
    apps.push(warm.app);
    const cold = await buildApp({ config, clickhouse, redis, logger, rateLimitPerMin: 1_000_000_000, useCache: false });
    apps.push(cold.app);
    const warmUrl = await warm.app.listen({ host: '127.0.0.1', port: 0 });
    const coldUrl = await cold.app.listen({ host: '127.0.0.1', port: 0 });

    progress('baseline: GET /healthz and the chart statement alone');
    const healthz = await load({ url: warmUrl, paths: ['/healthz'], connections: options.connections, durationSecs: Math.min(5, options.durationSecs) });
    const statementMs = await statementLatency(clickhouse, order.slice(0, 200));

    progress(`warm-up: every product's 1y chart and browser lookup once (${asins.length} × 2)`);
    const warmupStarted = performance.now();
    await load({ url: warmUrl, paths: order.map(chartPath), connections: 32, durationSecs: 600, amount: order.length });
    await load({ url: warmUrl, paths: order.map(browserPath), connections: 32, durationSecs: 600, amount: order.length });
    const warmupSeconds = (performance.now() - warmupStarted) / 1000;

    const announcer = announce(redis, redisKeys(keyPrefix).productsChangedChannel, order, options.announcePerSec);
    progress(`chart 1y, warm, Zipf s=${options.zipf}, ${options.connections} connections, ${options.announcePerSec} announcements/s`);
    const before = { ...warm.cache.counters };
    const chart = await load({ url: warmUrl, paths: zipfPaths(100_000, chartPath), connections: options.connections, durationSecs: options.durationSecs });
    const chartHits = hitRatio(before, warm.cache.counters);

    progress(`browser lookup, warm, Zipf, ${options.connections} connections`);
    const beforeBrowser = { ...warm.cache.counters };
    const browser = await load({ url: warmUrl, paths: zipfPaths(100_000, browserPath), connections: options.connections, durationSecs: options.durationSecs });
    const browserHits = hitRatio(beforeBrowser, warm.cache.counters);
    const announced = await announcer.stop();

    progress(`chart 1y, cold (no cache), Zipf, ${options.coldConnections} connections`);
    const loadsBefore = { ...cold.products.loadCounters.charts };
    const chartCold = await load({ url: coldUrl, paths: zipfPaths(20_000, chartPath), connections: options.coldConnections, durationSecs: options.durationSecs });
    const coldLoads = cold.products.loadCounters.charts;
    progress('chart 1y, cold (no cache), Zipf, 1 connection');
    const chartColdSingle = await load({ url: coldUrl, paths: zipfPaths(20_000, chartPath), connections: 1, durationSecs: Math.max(3, Math.floor(options.durationSecs / 2)) });

    let search: Record<string, unknown> | undefined;
    if (options.searchProducts > 0) {
      progress(`search: ${options.searchProducts} products (marketplace de)`);
      await writeSearchProducts(clickhouse, options.searchProducts, progress);
      await clickhouse.command({ query: 'OPTIMIZE TABLE products FINAL', clickhouse_settings: { optimize_throw_if_noop: 0 } });
      const queries = searchQueries(200);
      const searchPath = (q: string): string => `/api/v1/products/search?marketplace=de&limit=20&q=${encodeURIComponent(q)}`;
      // Every query once (nothing cached), then Zipf over the same queries (repeats served from the cache).
      const first = await load({ url: warmUrl, paths: queries.map(searchPath), connections: 1, durationSecs: 600, amount: queries.length });
      const drawQuery = zipfSampler(queries.length, options.zipf, 17);
      const repeated = await load({ url: warmUrl, paths: Array.from({ length: 50_000 }, () => searchPath(queries[drawQuery()] as string)), connections: options.connections, durationSecs: options.durationSecs });
      search = { products: options.searchProducts, queries: queries.length, uncached: first, zipf: repeated };
    }
    const [count] = await selectRows<{ n: string }>(clickhouse, 'SELECT count() AS n FROM price_points');

    return {
      bench: 'api',
      points: Number(count?.n ?? 0),
      products: asins.length,
      chart_p99_ms: chart.p99,
      chart_p50_ms: chart.p50,
      chart_rps: Math.round(chart.rps),
      chart_cold_p99_ms: chartCold.p99,
      chart_cold_p50_ms: chartCold.p50,
      chart_cold_rps: Math.round(chartCold.rps),
      chart_cold_1conn_p99_ms: chartColdSingle.p99,
      chart_cold_1conn_p50_ms: chartColdSingle.p50,
      search_uncached_p50_ms: (search?.uncached as LoadResult | undefined)?.p50 ?? null,
      search_uncached_p99_ms: (search?.uncached as LoadResult | undefined)?.p99 ?? null,
      search_p99_ms: (search?.zipf as LoadResult | undefined)?.p99 ?? null,
      search_rps: search ? Math.round((search.zipf as LoadResult).rps) : null,
      browser_p99_ms: browser.p99,
      browser_p50_ms: browser.p50,
      browser_rps: Math.round(browser.rps),
      chart_cache_hit_ratio: chartHits,
      browser_cache_hit_ratio: browserHits,
      cold_products_per_statement: round((coldLoads.products - loadsBefore.products) / Math.max(1, coldLoads.batches - loadsBefore.batches), 2),
      announcements: announced,
      errors: [chart, browser, chartCold, chartColdSingle].reduce((n, p) => n + p.errors + p.non2xx + p.timeouts, 0),
      baseline: {
        healthz_p99_ms: healthz.p99,
        healthz_rps: Math.round(healthz.rps),
        chart_statement_p50_ms: statementMs.p50,
        chart_statement_p99_ms: statementMs.p99,
      },
      phases: { chart, chart_cold: chartCold, chart_cold_1conn: chartColdSingle, browser, healthz, search: search ?? null },
      conditions: {
        zipf_s: options.zipf,
        connections: options.connections,
        cold_connections: options.coldConnections,
        duration_secs: options.durationSecs,
        warmup_seconds: round(warmupSeconds, 1),
        generate_seconds: round(generateSeconds, 1),
        engine: 'embedded (chDB)',
        rate_limit: 'active (Redis), limit raised for the load generator',
        cpus: cpus().length,
        load_average: loadavg().map((l) => round(l, 2)),
      },
    };
  } finally {
    for (const app of apps) await app.close().catch(() => undefined);
    await clickhouse.close();
    await closeRedis(redis);
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the load generator in a child process. */
function load(input: { url: string; paths: string[]; connections: number; durationSecs: number; amount?: number }): Promise<LoadResult> {
  const script = fileURLToPath(new URL(`./api-bench-load${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  // The child inherits this process's execArgv, so it runs from TypeScript source under tsx as well as from dist.
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.send(input);
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with code ${code}`));
    });
  });
}

/** The chart statement for one product, alone (no HTTP, no cache): the engine's share of a cold request. */
async function statementLatency(clickhouse: ClickHouseClient, asins: readonly string[]): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (const asin of asins) {
    const started = performance.now();
    await chartData(clickhouse, { marketplace: 'us', asins: [asin], range: '1y' });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: round(times[Math.floor(times.length * 0.5)] ?? 0, 2), p99: round(times[Math.floor(times.length * 0.99)] ?? 0, 2) };
}

/** Publishes "this product has new prices" for random products at `perSec` until stopped. */
function announce(redis: ReturnType<typeof connectRedis>, channel: string, asins: readonly string[], perSec: number): { stop(): Promise<number> } {
  let sent = 0;
  let i = 0;
  const timer = perSec > 0
    ? setInterval(() => {
        const asin = asins[(i++ * 7919) % asins.length] as string;
        sent++;
        redis.publish(channel, `us ${asin}`).catch(() => undefined);
      }, 1000 / perSec)
    : undefined;
  return {
    stop: () => {
      if (timer) clearInterval(timer);
      return Promise.resolve(sent);
    },
  };
}

function hitRatio(before: { hits: number; misses: number }, after: { hits: number; misses: number }): number {
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return round(hits / Math.max(1, hits + misses), 4);
}

/** `n` search queries: single words, word pairs, brands, and words no title has. */
function searchQueries(n: number): string[] {
  const rnd = random(23);
  const pick = (): string => SEARCH_WORDS[Math.floor(rnd() * SEARCH_WORDS.length)] as string;
  return Array.from({ length: n }, (_, i) => {
    switch (i % 4) {
      case 0:
        return pick();
      case 1:
        return `${pick()} ${pick()}`;
      case 2:
        return `brand${Math.floor(rnd() * 2_000).toString(36)}`;
      default:
        return `${pick()} ${pick()} nothing${i}`;
    }
  });
}

/** A sampler of ranks 0..n-1 with P(r) ∝ 1/(r+1)^s (seeded). */
export function zipfSampler(n: number, s: number, seed: number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cdf[r] = total += 1 / (r + 1) ** s;
  const rnd = random(seed);
  return () => {
    const x = rnd() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  const rnd = random(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
