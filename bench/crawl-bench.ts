/**
 * `dromedary bench crawl`: one crawler node (in this process) checks N ASINs of a simulator that runs
 * in a child process (`dromedary sim`, ~1.4 MB pages, gzip, no rate limit, no dog pages), through the
 * whole path — coordinator leases in a private redis-server, the cluster rate limiter, got-scraping,
 * decoding and parsing on worker threads, settles appending to the ingestion stream. In the same run,
 * a plain Crawlee CheerioCrawler checks the same kind of pages with its default parse path (the
 * baseline). Prints checks/s of both, the speedup, bytes per check, latencies and CPU shares.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { printJson } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { type MarketplaceCode, loadConfig, productUrl } from '../config/index.js';
import { INGEST_ENTRY_FIELD, ingestEnvelopeSchema } from '../contracts/index.js';
import { createCoordinatorClient } from '../coordinator/index.js';
import { startCrawlerNode } from '../crawler/index.js';
import { RedisServerProcess, closeRedis, connectRedis, redisKeys, silentLogger } from '../runtime/index.js';
import { runBaselineCrawl } from './crawl-bench-baseline.js';

const MARKETPLACE: MarketplaceCode = 'us';

interface CrawlBenchOptions {
  readonly checks: number;
  readonly baselineChecks: number;
  readonly concurrency: number;
  readonly pageBytes: number;
  readonly fetchOffers: boolean;
  readonly readerWorkers: number | undefined;
}

/** Registers `dromedary bench crawl`. */
export function registerCrawlBench(bench: Command): void {
  bench
    .command('crawl')
    .description('one crawler node against the simulator (~1.4 MB pages) vs. a plain CheerioCrawler, same run')
    .option('--json', 'print one JSON object')
    .option('--checks <n>', 'checks made by the crawler node', '3000')
    .option('--baseline-checks <n>', 'checks made by the plain CheerioCrawler', '300')
    .option('--concurrency <n>', 'checks in flight (both crawlers)', '32')
    .option('--page-bytes <n>', 'mean simulator page size', '1400000')
    .option('--no-offers', 'fetch product pages only (no offers fragment)')
    .option('--reader-workers <n>', 'page reader worker threads of the node (default: one per core beyond the first)')
    .action(async (opts: { json?: boolean; checks: string; baselineChecks: string; concurrency: string; pageBytes: string; offers: boolean; readerWorkers?: string }) => {
      const int = (name: string, v: string, min: number): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
        return n;
      };
      const result = await runCrawlBench({
        checks: int('checks', opts.checks, 1),
        baselineChecks: int('baseline-checks', opts.baselineChecks, 1),
        concurrency: int('concurrency', opts.concurrency, 1),
        pageBytes: int('page-bytes', opts.pageBytes, 10_000),
        fetchOffers: opts.offers,
        readerWorkers: opts.readerWorkers === undefined ? undefined : int('reader-workers', opts.readerWorkers, 0),
      });
      if (opts.json) printJson(result);
      else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${JSON.stringify(v)}\n`);
    });
}

/** CPU time of another process so far, ms (Linux /proc; null elsewhere). */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Starts `dromedary sim` as a child process (same CLI entry as this process) and reads its address. */
async function startSimulatorProcess(args: readonly string[]): Promise<{ child: ChildProcess; url: string }> {
  const entry = process.argv[1];
  if (!entry) throw new Error('cannot find the dromedary entry point to start the simulator');
  const child = spawn(process.execPath, [...process.execArgv, entry, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the simulator did not start: ${stderr}`)), 120_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { url: string }).url);
        } catch (err) {
          reject(new Error(`unexpected simulator output: ${line.slice(0, 200)}`, { cause: err }));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${code}): ${stderr}`));
    });
  });
  return { child, url };
}

const percentile = (sorted: readonly number[], p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs the benchmark; returns the figures printed by the command. */
export async function runCrawlBench(options: CrawlBenchOptions): Promise<Record<string, unknown>> {
  const products = Math.max(options.checks, options.baselineChecks);
  const sim = await startSimulatorProcess(['--port', '0', '--products', String(products), '--marketplaces', MARKETPLACE, '--no-rate-limit', '--dog-rate', '0', '--page-bytes', String(options.pageBytes), '--log-size', '1000']);
  const dir = mkdtempSync(join(tmpdir(), 'drom-bench-crawl-'));
  const redisServer = await RedisServerProcess.start({ dir });
  const redis = connectRedis({ url: redisServer.url, name: 'bench' });
  const baseUrl = `${sim.url}/${MARKETPLACE}`;
  try {
    const catalogue = (await (await fetch(`${sim.url}/__sim/catalogue?marketplace=${MARKETPLACE}`)).json()) as { products: { asin: string }[] };
    const asins = catalogue.products.map((p) => p.asin);
    const config = loadConfig({
      env: {},
      flags: {
        instanceId: 'bench-node',
        log: { level: 'warn' },
        redis: { url: redisServer.url, keyPrefix: 'bench' },
        marketplaces: { [MARKETPLACE]: { baseUrl, ratePerSec: 1_000_000 } },
        crawler: { marketplaces: [MARKETPLACE], concurrency: options.concurrency, perProxyRatePerSec: 1_000_000, fetchOffers: options.fetchOffers },
        coordinator: { batchSize: 200 },
        ingest: { maxStreamLength: 10_000_000 },
      },
    });
    const keys = redisKeys('bench');
    const coordinator = createCoordinatorClient({ redis, keys, config });
    await coordinator.schedule(MARKETPLACE, asins.slice(0, options.checks));

    // 1. The crawler node.
    const settledChecks = async (): Promise<number> => {
      const [s] = await coordinator.status([MARKETPLACE]);
      return Object.entries(s?.totals ?? {}).reduce((n, [k, v]) => (k === 'leased' || k.startsWith('expired') ? n : n + v), 0);
    };
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    const simCpu0 = processCpuMs(sim.child.pid);
    const redisCpu0 = processCpuMs(redisPid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const node = await startCrawlerNode({ config, logger: silentLogger(), readerWorkers: options.readerWorkers, pinDeliveryLocation: false });
    let done = 0;
    while ((done = await settledChecks()) < options.checks && performance.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const simCpuMs = (processCpuMs(sim.child.pid) ?? 0) - (simCpu0 ?? 0);
    const redisCpuMs = (processCpuMs(redisPid) ?? 0) - (redisCpu0 ?? 0);
    const metrics = await node.registry.getMetricsAsJSON();
    await node.close();

    const bytesByKind: Record<string, number> = {};
    let decodedBytes = 0;
    let stoppedEarly = 0;
    for (const m of metrics) {
      if (m.name === 'dromedary_crawler_decoded_bytes_total') for (const v of m.values) decodedBytes += v.value;
      if (m.name === 'dromedary_crawler_page_reads_total') for (const v of m.values) if (v.labels.read === 'stopped_early') stoppedEarly += v.value;
      if (m.name !== 'dromedary_crawler_fetched_bytes_total') continue;
      for (const v of m.values) bytesByKind[String(v.labels.kind)] = (bytesByKind[String(v.labels.kind)] ?? 0) + v.value;
    }
    // Every check's outcome (duration, bytes, result) from the ingestion stream the node appended to.
    const durations: number[] = [];
    let ok = 0;
    let failed = 0;
    for (const [, fields] of await redis.xrange(keys.marketplace(MARKETPLACE).ingestStream, '-', '+')) {
      const json = fields[fields.indexOf(INGEST_ENTRY_FIELD) + 1];
      const envelope = ingestEnvelopeSchema.parse(JSON.parse(json ?? '{}'));
      for (const o of envelope.outcomes) {
        durations.push(o.durationMs);
        if (o.outcome === 'ok') ok++;
        else failed++;
      }
    }
    durations.sort((a, b) => a - b);

    // 2. The baseline, same simulator, same concurrency.
    const baseline = await runBaselineCrawl({
      urls: asins.slice(0, options.baselineChecks).map((asin) => ({ asin, url: productUrl({ marketplaces: { [MARKETPLACE]: { baseUrl } } }, MARKETPLACE, asin) })),
      marketplace: MARKETPLACE,
      baseUrl,
      concurrency: options.concurrency,
      fetchOffers: options.fetchOffers,
      memoryMbytes: config.crawler.memoryMbytes,
    });

    const checksPerSec = done / seconds;
    const baselinePerSec = baseline.checks / baseline.seconds;
    const wireBytes = Object.values(bytesByKind).reduce((a, b) => a + b, 0);
    const crawlerCpuMs = (cpu.user + cpu.system) / 1000;
    const totalCpuMs = crawlerCpuMs + simCpuMs + redisCpuMs;
    return {
      checks: done,
      ok,
      failed,
      seconds: round(seconds, 2),
      checks_per_sec: round(checksPerSec),
      baseline_checks: baseline.checks,
      baseline_failed: baseline.failed,
      baseline_checks_per_sec: round(baselinePerSec),
      speedup: round(checksPerSec / baselinePerSec, 2),
      bytes_per_check: Math.round(wireBytes / Math.max(1, done)),
      decoded_bytes_per_check: Math.round(decodedBytes / Math.max(1, done)),
      pages_stopped_early: stoppedEarly,
      bytes_per_check_by_kind: Object.fromEntries(Object.entries(bytesByKind).map(([k, v]) => [k, Math.round(v / Math.max(1, done))])),
      // A check's wall time from being handed to the crawler to being done (rate-limit waits, both requests, reading).
      check_latency_ms: { p50: percentile(durations, 50), p99: percentile(durations, 99) },
      cpu_ms_per_check: {
        crawler: round(crawlerCpuMs / Math.max(1, done), 2),
        simulator: round(simCpuMs / Math.max(1, done), 2),
        redis: round(redisCpuMs / Math.max(1, done), 2),
        baseline_crawler: round(baseline.cpuMs / Math.max(1, baseline.checks), 2),
      },
      cpu_share: { crawler: round(crawlerCpuMs / totalCpuMs, 3), simulator: round(simCpuMs / totalCpuMs, 3), redis: round(redisCpuMs / totalCpuMs, 3) },
      setup: {
        crawler: 'in this process (HttpCrawler on got-scraping, page reading on worker threads)',
        simulator: 'child process (dromedary sim)',
        page_bytes: options.pageBytes,
        offers: options.fetchOffers,
        concurrency: options.concurrency,
        reader_workers: options.readerWorkers ?? 'default',
        baseline: 'CheerioCrawler, default parse path, same extraction on its DOM, sendRequest + cheerio.load for offers',
      },
      machine: { cpus: cpus().length, loadavg: loadavg().map((l) => round(l, 2)) },
    };
  } finally {
    await closeRedis(redis);
    await redisServer.stop();
    sim.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
