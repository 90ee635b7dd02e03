import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { Registry } from 'prom-client';
import { type Config, loadConfig } from '../../config/index.js';
import { INGEST_ENTRY_FIELD } from '../../contracts/index.js';
import { type Redis, redisKeys, silentLogger } from '../../runtime/index.js';
import {
  clickHouseBridge,
  committedWatermark,
  createClickHouse,
  createIngestProducer,
  createIngester,
  type Ingester,
  selectRows,
} from '../../storage/index.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestClickHouse, countRows, envelopes, observation, openTestClickHouse, outcome, seriesObservations } from './storage-fixtures.js';

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

function ingestConfig(prefix: string, over: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    flags: { dataDir: ch.dataDir, instanceId: `ingester-${prefix}`, redis: { url: redisServer.url, keyPrefix: prefix }, ingest: { blockMs: 100, ...over } },
  });
}

async function withIngester<T>(config: Config, client: ClickHouseClient, body: (ingester: Ingester) => Promise<T>): Promise<T> {
  const ingester = createIngester({ redis, clickhouse: client, config, logger: silentLogger(), registry: new Registry(), marketplaces: ['us'] });
  await ingester.start();
  try {
    return await body(ingester);
  } finally {
    await ingester.close();
  }
}

describe('ingestion', () => {
  it('stores every observation, outcome and product once and acknowledges the entries', async () => {
    const prefix = 'ok';
    const config = ingestConfig(prefix);
    const keys = redisKeys(prefix);
    const producer = createIngestProducer({ redis, keys, maxStreamLength: 10_000 });
    const obs = seriesObservations('B0OKAAAAA1', [1000, 1000, 900, null, 950], { start: Date.UTC(2026, 0, 1) });
    for (const e of envelopes(obs, 2)) await producer.append('us', e);
    await producer.append('us', {
      v: 1,
      observations: [],
      outcomes: [outcome({ asin: 'B0OKAAAAA1', outcome: 'captcha', checkedAt: Date.now() })],
      products: [{ marketplace: 'us', asin: 'B0OKAAAAA1', title: 'Kettle', brand: 'Acme', breadcrumb: '', imageUrl: '', salesRank: 5, parentAsin: null, checkedAt: Date.UTC(2026, 0, 2) }],
    });
    await withIngester(config, ch.client, async () => {
      await waitFor('points stored', async () => (await countRows(ch.client, 'price_points', 'B0OKAAAAA1')) === 5);
      await waitFor('stream emptied', async () => (await redis.xlen(keys.marketplace('us').ingestStream)) === 0);
    });
    expect(await countRows(ch.client, 'crawl_outcomes', 'B0OKAAAAA1')).toBe(1);
    expect(await countRows(ch.client, 'products', 'B0OKAAAAA1')).toBe(1);
    expect(await committedWatermark(redis, keys, 'us')).toBeGreaterThanOrEqual(1);
    expect(await redis.hlen(keys.marketplace('us').ingestInFlight)).toBe(0);
  });

  it('sets an invalid entry aside in the dead-letter stream with its reason, and stores the valid ones', async () => {
    const prefix = 'dead';
    const config = ingestConfig(prefix);
    const keys = redisKeys(prefix).marketplace('us');
    const good = observation({ asin: 'B0DEADAAA1', checkedAt: Date.UTC(2026, 0, 1) });
    await redis.xadd(keys.ingestStream, '*', INGEST_ENTRY_FIELD, '{not json');
    await redis.xadd(keys.ingestStream, '*', INGEST_ENTRY_FIELD, JSON.stringify({ v: 1, observations: [{ ...good, price: -5 }], outcomes: [], products: [] }));
    await redis.xadd(keys.ingestStream, '*', INGEST_ENTRY_FIELD, JSON.stringify({ v: 1, observations: [good], outcomes: [], products: [] }));
    // Valid by the contract, but beyond the UInt32 price column (ClickHouse would wrap it silently).
    await redis.xadd(keys.ingestStream, '*', INGEST_ENTRY_FIELD, JSON.stringify({ v: 1, observations: [{ ...good, price: 5_000_000_000 }], outcomes: [], products: [] }));
    await withIngester(config, ch.client, async () => {
      await waitFor('dead letters', async () => (await redis.xlen(keys.ingestDeadLetter)) === 3);
      await waitFor('valid point stored', async () => (await countRows(ch.client, 'price_points', 'B0DEADAAA1')) === 1);
    });
    const dead = (await redis.xrange(keys.ingestDeadLetter, '-', '+')).map(([, fields]) => Object.fromEntries(chunk(fields)));
    expect(dead[0]?.reason).toMatch(/not JSON/);
    expect(dead[1]?.reason).toMatch(/observations\.0\.price/);
    expect(dead[1]?.[INGEST_ENTRY_FIELD]).toContain('B0DEADAAA1');
    expect(dead[2]?.reason).toMatch(/observations\.0\.price: 5000000000/);
    expect(await redis.xlen(keys.ingestStream)).toBe(0);
  });

  it('keeps entries in the stream while ClickHouse is unavailable and stores each exactly once when it returns', async () => {
    const prefix = 'outage';
    const config = ingestConfig(prefix);
    const keys = redisKeys(prefix);
    const bridge = clickHouseBridge(ch.client);
    expect(bridge).toBeDefined();
    // A second client in this process reaches the engine through the bridge, as another process would.
    const remote = await createClickHouse(config, { logger: silentLogger() });
    const producer = createIngestProducer({ redis, keys, maxStreamLength: 10_000 });
    const obs = seriesObservations('B0OUTAGEA1', [500, 400, 300, 200, 100, 50], { start: Date.UTC(2026, 1, 1) });
    try {
      await withIngester(config, remote, async () => {
        await producer.append('us', envelopes(obs.slice(0, 2), 2)[0]!);
        await waitFor('first batch stored', async () => (await countRows(ch.client, 'price_points', 'B0OUTAGEA1')) === 2);
        await bridge!.stop();
        for (const e of envelopes(obs.slice(2), 2)) await producer.append('us', e);
        // The ingester keeps trying; the entries wait, delivered but not acknowledged.
        await waitFor('entries pending', async () => {
          const [pending] = (await redis.xpending(keys.marketplace('us').ingestStream, 'ingesters')) as [number];
          return pending > 0;
        });
        expect(await redis.xlen(keys.marketplace('us').ingestStream)).toBe(2);
        await bridge!.start();
        await waitFor('all stored', async () => (await countRows(ch.client, 'price_points', 'B0OUTAGEA1')) >= 6, { timeoutMs: 30_000 });
        await waitFor('stream emptied', async () => (await redis.xlen(keys.marketplace('us').ingestStream)) === 0);
      });
    } finally {
      if (!bridge!.running) await bridge!.start();
      await remote.close();
    }
    expect(await countRows(ch.client, 'price_points', 'B0OUTAGEA1')).toBe(6);
    const [drops] = await selectRows<{ n: string }>(ch.client, 'SELECT count() AS n FROM price_drops WHERE asin = {a:String}', { a: 'B0OUTAGEA1' });
    expect(Number(drops?.n)).toBe(5);
  });

  it('after Redis lost the ingestion state, numbers new batches above every batch ClickHouse holds', async () => {
    const prefix = 'lost';
    const config = ingestConfig(prefix);
    const keys = redisKeys(prefix);
    const mk = keys.marketplace('us');
    const producer = createIngestProducer({ redis, keys, maxStreamLength: 10_000 });
    const maxSeq = async (asin: string): Promise<number> =>
      Number((await selectRows<{ s: string }>(ch.client, `SELECT max(ingest_seq) AS s FROM price_points WHERE asin = '${asin}'`))[0]?.s ?? 0);
    const obs = seriesObservations('B0LOSTAAA1', [1000, 900, 800, 700], { start: Date.UTC(2026, 0, 1) });
    for (const e of envelopes(obs, 1)) await producer.append('us', e);
    await withIngester(config, ch.client, async () => {
      await waitFor('points stored', async () => (await countRows(ch.client, 'price_points', 'B0LOSTAAA1')) === 4);
    });
    const before = await maxSeq('B0LOSTAAA1');
    expect(before).toBeGreaterThan(0);
    // Redis loses everything of this installation.
    const lost = await redis.keys(`*${prefix}*`);
    await redis.del(...lost);
    expect(await redis.exists(mk.ingestSeq)).toBe(0);
    const next = seriesObservations('B0LOSTAAA2', [500], { start: Date.UTC(2026, 0, 2) });
    await producer.append('us', envelopes(next, 1)[0]!);
    await withIngester(config, ch.client, async () => {
      await waitFor('the new point stored', async () => (await countRows(ch.client, 'price_points', 'B0LOSTAAA2')) === 1);
    });
    const after = await maxSeq('B0LOSTAAA2');
    expect(after).toBeGreaterThan(before);
    expect(await committedWatermark(redis, keys, 'us')).toBe(after);
  });

  it('makes producers wait while the stream is longer than the limit, without trimming it', async () => {
    const prefix = 'full';
    const keys = redisKeys(prefix);
    const producer = createIngestProducer({ redis, keys, maxStreamLength: 3, pollMs: 10 });
    const e = envelopes([observation({ asin: 'B0FULLAAA1', checkedAt: Date.UTC(2026, 0, 1) })], 1)[0]!;
    for (let i = 0; i < 3; i++) await producer.append('us', e);
    let appended = false;
    const fourth = producer.append('us', e).then(() => (appended = true));
    await waitFor('fourth entry written', async () => (await redis.xlen(keys.marketplace('us').ingestStream)) === 4);
    // Written, but the producer is held until the stream shrinks.
    await new Promise((r) => setTimeout(r, 100));
    expect(appended).toBe(false);
    await redis.xtrim(keys.marketplace('us').ingestStream, 'MAXLEN', 3);
    await fourth;
    expect(appended).toBe(true);
  });
});

function chunk(fields: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push([fields[i]!, fields[i + 1]!]);
  return out;
}
