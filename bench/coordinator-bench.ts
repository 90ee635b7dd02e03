/**
 * `dromedary bench coordinator`: schedules N ASINs (default 1,000,000) in one marketplace, then
 * simulated crawler nodes in this process lease and settle them as fast as they can (each settle
 * appends an envelope with one observation and one outcome per ASIN to the ingestion stream, as a
 * crawler's would; a simulated ingester deletes what was read). Prints ASINs leased-and-acknowledged
 * per second, Redis bytes per ASIN, latencies, and the baseline measured in the same run: one lease
 * and one settle per ASIN, one call at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { configFromCommand, printJson } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { type Config, type MarketplaceCode, loadConfig } from '../config/index.js';
import type { CheckResult, IngestEnvelope, LeaseBatch } from '../contracts/index.js';
import { type CoordinatorClient, type ScheduleEntry, createCoordinatorClient, encodeState } from '../coordinator/index.js';
import { type Redis, RedisServerProcess, closeRedis, connectRedis, redisKeys } from '../runtime/index.js';

interface BenchOptions {
  json?: boolean;
  asins: string;
  workers: string;
  batch: string;
  ackGroup: string;
  baselineAsins: string;
  envelope: boolean;
  ingester: boolean;
  history?: boolean;
}

const MARKETPLACE: MarketplaceCode = 'us';
const BASELINE_MARKETPLACE: MarketplaceCode = 'de';

/** Registers `dromedary bench coordinator`. */
export function registerCoordinatorBench(bench: Command): void {
  bench
    .command('coordinator')
    .description('lease and acknowledge scheduled ASINs as fast as possible (private redis-server unless REDIS_URL)')
    .option('--json', 'print one JSON object')
    .option('--asins <n>', 'ASINs to schedule', '1000000')
    // 16: with 8, Redis waited on the nodes' round trips ~10 % of the time (a coordinator at the design's
    // peak serves hundreds of nodes).
    .option('--workers <n>', 'simulated crawler nodes, each with its own connection', '16')
    .option('--batch <n>', 'ASINs per lease', '200')
    .option('--ack-group <n>', 'checks settled per call (a node buffers results for a moment)', '50')
    .option('--baseline-asins <n>', 'ASINs for the one-call-per-ASIN baseline', '20000')
    .option('--no-envelope', 'settle without appending envelopes (measures the schedule alone)')
    .option('--no-ingester', 'leave the stream unread until the end (no simulated ingester reading it)')
    .option('--history', 'every ASIN was checked an hour ago; 3 % of the checks see a new price (default: first checks)')
    .action(async (opts: BenchOptions, command: Command) => {
      const int = (name: string, v: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
        return n;
      };
      const result = await runCoordinatorBench(configFromCommand(command), {
        asins: int('asins', opts.asins),
        workers: int('workers', opts.workers),
        batch: int('batch', opts.batch),
        ackGroup: int('ack-group', opts.ackGroup),
        baselineAsins: int('baseline-asins', opts.baselineAsins),
        envelope: opts.envelope,
        ingester: opts.ingester,
        history: opts.history ?? false,
      });
      if (opts.json) printJson(result);
      else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${JSON.stringify(v)}\n`);
    });
}

interface RunOptions {
  asins: number;
  workers: number;
  batch: number;
  ackGroup: number;
  baselineAsins: number;
  /** Append a crawler-shaped envelope with every settle (default true). */
  envelope: boolean;
  /** Run a simulated ingester that reads and deletes stream entries (default true). */
  ingester: boolean;
  /** Schedule every ASIN with a price seen an hour ago (steady state) instead of as never checked. */
  history?: boolean;
}

function benchAsins(n: number, lead: string): string[] {
  return Array.from({ length: n }, (_, i) => `${lead}${i.toString(36).toUpperCase().padStart(8, '0')}`);
}

/** The number a bench ASIN was made from (see benchAsins). */
const benchIndex = (asin: string): number => Number.parseInt(asin.slice(2), 36);

/** The price bench ASIN `asin` usually has. */
const usualPrice = (asin: string): number => 1000 + (benchIndex(asin) % 97);

/** The price a check of bench ASIN `asin` sees: its usual one, except for 1 ASIN in 33. */
function benchPrice(asin: string): number {
  return usualPrice(asin) + (benchIndex(asin) % 33 === 0 ? 50 : 0);
}

/** The state of `asin` when it was last checked at `at`, at its usual price. */
function historyState(asin: string, at: number): string {
  return encodeState({ trackers: 0, failures: 0, volatility: 30, previous: { new: { price: usualPrice(asin), checkedAt: at } } });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 1000) / 1000;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? '0');
}

/** A crawler-shaped envelope for `asins` of `batch`. */
function envelopeOf(batch: LeaseBatch, asins: readonly string[], checkedAt: number): IngestEnvelope {
  return {
    v: 1,
    observations: asins.map((asin) => ({
      marketplace: batch.marketplace,
      asin,
      series: 'new' as const,
      condition: 'new' as const,
      sellerKind: 'amazon' as const,
      price: benchPrice(asin),
      previousPrice: batch.items[0]?.previous.new?.price ?? null,
      previousCheckedAt: null,
      currency: 'USD',
      listPrice: null,
      isBuyBox: true,
      availability: 'in_stock' as const,
      offerCount: 3,
      checkedAt,
      crawlerId: batch.workerId,
      checkId: `${batch.leaseId}.${asin}`,
    })),
    outcomes: asins.map((asin) => ({
      marketplace: batch.marketplace,
      asin,
      outcome: 'ok' as const,
      httpStatus: 200,
      detail: '',
      checkedAt,
      crawlerId: batch.workerId,
      checkId: `${batch.leaseId}.${asin}`,
      durationMs: 420,
      bytes: 180_000,
    })),
    products: [],
  };
}

async function settleGroups(client: CoordinatorClient, batch: LeaseBatch, group: number, withEnvelope: boolean, latencies: number[]): Promise<number> {
  const checkedAt = Date.now();
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < batch.items.length; i += group) {
    const asins = batch.items.slice(i, i + group).map((it) => it.asin);
    const checks: CheckResult[] = asins.map((asin) => ({ asin, outcome: 'ok', checkedAt, prices: { new: benchPrice(asin) } }));
    const t0 = performance.now();
    calls.push(
      client.settle({ leaseId: batch.leaseId, checks, envelope: withEnvelope ? envelopeOf(batch, asins, checkedAt) : undefined }).then((r) => {
        latencies.push(performance.now() - t0);
        if (r.kind !== 'recorded' || r.dropped.length > 0) throw new Error(`settle was not recorded: ${r.kind}`);
      }),
    );
  }
  await Promise.all(calls);
  return batch.items.length;
}

/** CPU seconds the Redis server has used (user + system). */
async function redisCpuSecs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? '0') + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? '0');
}

/** Removes this run's keys from a shared Redis. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `*${prefix}:*`, 'COUNT', 10_000);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
}

/** Runs the benchmark against `config`'s Redis when one was configured, else a private redis-server. */
export async function runCoordinatorBench(config: Config, options: RunOptions): Promise<Record<string, unknown>> {
  const external = config.redis.url !== loadConfig({ env: {} }).redis.url;
  let server: RedisServerProcess | undefined;
  let dir: string | undefined;
  if (!external) {
    dir = mkdtempSync(join(tmpdir(), 'drom-bench-coord-'));
    server = await RedisServerProcess.start({ dir });
  }
  const url = server?.url ?? config.redis.url;
  const prefix = `bench${Date.now().toString(36)}`;
  const keys = redisKeys(prefix);
  const connections: Redis[] = [];
  const connect = (name: string): Redis => {
    const c = connectRedis({ url, name });
    connections.push(c);
    return c;
  };
  const make = (name: string): CoordinatorClient => createCoordinatorClient({ redis: connect(name), keys, config });
  try {
    const admin = make('bench-admin');
    const adminRedis = connections[0]!;
    const stream = keys.marketplace(MARKETPLACE).ingestStream;

    // 1. Schedule.
    const asins = benchAsins(options.asins, 'B0');
    const memBefore = await usedMemory(adminRedis);
    const tSchedule = performance.now();
    const seenAt = Date.now() - 3_600_000;
    const entries: (string | ScheduleEntry)[] = options.history ? asins.map((asin) => ({ asin, state: historyState(asin, seenAt), dueAt: seenAt + 3_599_000 })) : asins;
    const chunks: (string | ScheduleEntry)[][] = [];
    for (let i = 0; i < entries.length; i += 10_000) chunks.push(entries.slice(i, i + 10_000));
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let c = chunks.shift(); c; c = chunks.shift()) await admin.schedule(MARKETPLACE, c);
    }));
    const scheduleSecs = (performance.now() - tSchedule) / 1000;
    const memScheduled = await usedMemory(adminRedis);

    // 2. Lease and settle everything with concurrent simulated nodes; a simulated ingester consumes the stream.
    let ingesting = options.ingester;
    const ingester = (async () => {
      const r = connect('bench-ingester');
      let last = '0-0';
      while (ingesting) {
        // Read as bytes: Redis does the same work, and this process (which shares the cores with Redis but
        // stands for an ingester on another machine) skips decoding ~0.5 KB of text per ASIN it never looks at.
        const entries = await r.xrangeBuffer(stream, `(${last}`, '+', 'COUNT', 2_000);
        if (entries.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const ids = entries.map((e) => e[0].toString());
        last = ids.at(-1)!;
        await r.xdel(stream, ...ids);
      }
    })();
    const leaseLatency: number[] = [];
    const settleLatency: number[] = [];
    const batchSizes: number[] = [];
    let done = 0;
    const cpuRedis0 = await redisCpuSecs(adminRedis);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: options.workers }, async (_, w) => {
        const client = make(`bench-node-${w}`);
        for (;;) {
          const tl = performance.now();
          const r = await client.lease({ marketplace: MARKETPLACE, workerId: `node-${w}`, max: options.batch });
          leaseLatency.push(performance.now() - tl);
          if (r.kind === 'back_pressure') {
            await new Promise((resolve) => setTimeout(resolve, 10));
            continue;
          }
          if (r.kind !== 'batch') break;
          batchSizes.push(r.batch.items.length);
          const settled = await settleGroups(client, r.batch, options.ackGroup, options.envelope, settleLatency);
          done += settled;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const redisCpu = (await redisCpuSecs(adminRedis)) - cpuRedis0;
    ingesting = false;
    await ingester;
    await adminRedis.del(stream);
    const memSettled = await usedMemory(adminRedis);
    const [status] = await admin.status([MARKETPLACE]);

    // 3. Baseline: the same scripts, one ASIN per lease and per settle, one call at a time.
    const base = make('bench-baseline');
    const baseAsins = benchAsins(options.baselineAsins, 'C0');
    await base.schedule(BASELINE_MARKETPLACE, baseAsins);
    const tb = performance.now();
    let baseDone = 0;
    for (;;) {
      const r = await base.lease({ marketplace: BASELINE_MARKETPLACE, workerId: 'baseline', max: 1 });
      if (r.kind !== 'batch') break;
      const item = r.batch.items[0]!;
      const checkedAt = Date.now();
      await base.settle({
        leaseId: r.batch.leaseId,
        checks: [{ asin: item.asin, outcome: 'ok', checkedAt, prices: { new: 1000 } }],
        envelope: envelopeOf(r.batch, [item.asin], checkedAt),
      });
      baseDone++;
    }
    const baseSecs = (performance.now() - tb) / 1000;

    leaseLatency.sort((a, b) => a - b);
    settleLatency.sort((a, b) => a - b);
    const asinsPerSec = Math.round(done / secs);
    const baselinePerSec = Math.round(baseDone / baseSecs);
    return {
      bench: 'coordinator',
      envelope: options.envelope,
      history: options.history ?? false,
      ingester: options.ingester,
      asins: options.asins,
      acknowledged: done,
      asins_per_sec: asinsPerSec,
      baseline_asins_per_sec: baselinePerSec,
      speedup: Math.round((asinsPerSec / baselinePerSec) * 10) / 10,
      redis_bytes_per_asin: Math.round((memSettled - memBefore) / options.asins),
      redis_bytes_per_asin_scheduled: Math.round((memScheduled - memBefore) / options.asins),
      seconds: Math.round(secs * 100) / 100,
      schedule_asins_per_sec: Math.round(options.asins / scheduleSecs),
      workers: options.workers,
      lease_batch: options.batch,
      mean_batch: Math.round((batchSizes.reduce((a, b) => a + b, 0) / Math.max(1, batchSizes.length)) * 10) / 10,
      ack_group: options.ackGroup,
      lease_ms_p50: percentile(leaseLatency, 0.5),
      lease_ms_p99: percentile(leaseLatency, 0.99),
      settle_ms_p50: percentile(settleLatency, 0.5),
      settle_ms_p99: percentile(settleLatency, 0.99),
      redis_cpu_share: Math.round((redisCpu / secs) * 100) / 100,
      redis_cpu_us_per_asin: Math.round((redisCpu / done) * 1e7) / 10,
      asins_per_redis_core_sec: Math.round(done / redisCpu),
      bench_process_cpu_share: Math.round(((cpu.user + cpu.system) / 1e6 / secs) * 100) / 100,
      baseline_asins: baseDone,
      scheduled_after: status?.scheduled,
      leased_after: status?.leasedItems,
      redis: external ? 'external' : 'private redis-server',
    };
  } finally {
    if (external && connections[0]) await deleteKeys(connections[0], prefix);
    await Promise.all(connections.map((c) => closeRedis(c)));
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
