import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { loadConfig } from '../../config/index.js';
import { type Redis, redisKeys, silentLogger } from '../../runtime/index.js';
import { committedWatermark, createIngestProducer, createIngester, selectRows } from '../../storage/index.js';
import { spawnCli } from '../helpers/cli.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestClickHouse, countRows, envelopes, hoursAgoStart, openTestClickHouse, seriesObservations } from './storage-fixtures.js';

let redisServer: TestRedis;
let ch: TestClickHouse;
let redis: Redis;

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client('test');
  ch = await openTestClickHouse();
});

afterAll(async () => {
  await ch?.client.close();
  await redisServer?.stop();
  removeTempDirs();
});

/** Runs `dromedary ingest` as a child process that reaches this process's engine through its bridge. */
function spawnIngest(prefix: string, instanceId: string, fault: 'none' | 'kill-after-insert') {
  const child = spawnCli(['ingest', '--marketplaces', 'us'], {
    DROMEDARY_DATA_DIR: ch.dataDir,
    REDIS_URL: redisServer.url,
    DROMEDARY_REDIS_PREFIX: prefix,
    DROMEDARY_INSTANCE_ID: instanceId,
    DROMEDARY_INGEST_FAULT_INJECTION: fault,
    DROMEDARY_INGEST_BATCH_ENTRIES: '3',
    LOG_LEVEL: 'warn',
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

interface Totals {
  points: number;
  hourly: number;
  daily: number;
  stats: number;
  changes: number;
  drops: number;
}

async function totals(asin: string): Promise<Totals> {
  const [row] = await selectRows<Record<keyof Totals, string>>(
    ch.client,
    `SELECT (SELECT count() FROM price_points WHERE asin = {a:String}) AS points,
            (SELECT sum(points) FROM price_hourly WHERE asin = {a:String}) AS hourly,
            (SELECT sum(points) FROM price_days WHERE asin = {a:String}) AS daily,
            (SELECT sum(points) FROM price_stats WHERE asin = {a:String}) AS stats,
            (SELECT count() FROM price_changes WHERE asin = {a:String}) AS changes,
            (SELECT count() FROM price_drops WHERE asin = {a:String}) AS drops`,
    { a: asin },
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)])) as unknown as Totals;
}

// 12 points: 11 changes (every step moves), 6 of them drops.
const PRICES = [1000, 900, 950, 850, 870, 800, 820, 760, 790, 700, 720, 650];

describe('ingester crash between insert and acknowledge', () => {
  it('loses no point and doubles none (rollups and views included) when killed -9 and restarted', async () => {
    const prefix = 'crash';
    const asin = 'B0CRASHAA1';
    const keys = redisKeys(prefix);
    const producer = createIngestProducer({ redis, keys, maxStreamLength: 10_000 });
    const obs = seriesObservations(asin, PRICES, { start: hoursAgoStart(3) });
    for (const e of envelopes(obs, 2)) await producer.append('us', e);

    const first = spawnIngest(prefix, 'ingest-a', 'kill-after-insert');
    const { signal } = await first.exited;
    expect(signal, first.stderr()).toBe('SIGKILL');
    // The first batch (3 entries = 6 points) reached ClickHouse, but was never acknowledged.
    const afterCrash = await totals(asin);
    expect(afterCrash.points).toBe(6);
    expect(await redis.hlen(keys.marketplace('us').ingestInFlight)).toBe(1);
    expect(await redis.xlen(keys.marketplace('us').ingestStream)).toBe(6);

    const second = spawnIngest(prefix, 'ingest-a', 'none');
    try {
      await waitFor('stream drained', async () => (await redis.xlen(keys.marketplace('us').ingestStream)) === 0, { timeoutMs: 60_000 });
    } finally {
      second.child.kill('SIGTERM');
      expect((await second.exited).code, second.stderr()).toBe(0);
    }
    expect(await totals(asin)).toEqual({ points: 12, hourly: 12, daily: 12, stats: 12, changes: 11, drops: 6 });
    expect(await redis.hlen(keys.marketplace('us').ingestInFlight)).toBe(0);
    expect(await committedWatermark(redis, keys, 'us')).toBe(2);
  });

  it("lets another ingester take over a killed ingester's recorded batch without doubling it", async () => {
    const prefix = 'takeover';
    const asin = 'B0TAKEOVR1';
    const keys = redisKeys(prefix);
    const producer = createIngestProducer({ redis, keys, maxStreamLength: 10_000 });
    const obs = seriesObservations(asin, PRICES, { start: hoursAgoStart(3) });
    for (const e of envelopes(obs, 2)) await producer.append('us', e);

    const first = spawnIngest(prefix, 'ingest-dead', 'kill-after-insert');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect((await totals(asin)).points).toBe(6);

    const config = loadConfig({
      env: {},
      flags: { dataDir: ch.dataDir, instanceId: 'ingest-b', redis: { url: redisServer.url, keyPrefix: prefix }, ingest: { blockMs: 50, batchEntries: 3 } },
    });
    const ingester = createIngester({
      redis, clickhouse: ch.client, config, logger: silentLogger(), registry: new Registry(), marketplaces: ['us'], claimIdleMs: 300,
    });
    await ingester.start();
    try {
      await waitFor('stream drained', async () => (await redis.xlen(keys.marketplace('us').ingestStream)) === 0, { timeoutMs: 30_000 });
    } finally {
      await ingester.close();
    }
    expect(await totals(asin)).toEqual({ points: 12, hourly: 12, daily: 12, stats: 12, changes: 11, drops: 6 });
    expect(await countRows(ch.client, 'price_points', asin)).toBe(12);
    expect(await redis.hlen(keys.marketplace('us').ingestInFlight)).toBe(0);
  });
});
