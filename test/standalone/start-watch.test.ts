/**
 * `startStandalone` without fixed marketplaces: a product tracked in a storefront that had none when
 * the process started gets checked without a restart (the crawler node is replaced by one that checks
 * that storefront too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigInput, type MarketplaceCode, loadConfig } from '../../config/index.js';
import { addProducts } from '../../coordinator/index.js';
import { silentLogger } from '../../runtime/index.js';
import { type Demo, type Standalone, startDemo, startStandalone } from '../../standalone/index.js';
import { selectRows } from '../../storage/index.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

let redis: TestRedis;
let demo: Demo;
let standalone: Standalone;

beforeAll(async () => {
  redis = await startTestRedis();
  demo = await startDemo({ marketplaces: ['us', 'de'], productsPerMarketplace: 3 });
  const overrides: ConfigInput = { ...demo.overrides, crawler: { ...demo.overrides.crawler, marketplaces: ['us'] } };
  const config = loadConfig({ env: {}, flags: { dataDir: makeTempDir('drom-start-watch-'), redis: { url: redis.url, keyPrefix: redis.keyPrefix }, api: { port: 0 } } });
  standalone = await startStandalone({ config, logger: silentLogger(), overrides, marketplaceWatchMs: 200 });
}, 60_000);

afterAll(async () => {
  await standalone?.close();
  await demo?.close();
  await redis?.stop();
  removeTempDirs();
});

async function pricesOf(marketplace: MarketplaceCode, asin: string): Promise<number> {
  const [row] = await selectRows<{ n: string | number }>(standalone.clickhouse, 'SELECT count() AS n FROM price_points WHERE marketplace = {m:String} AND asin = {a:String}', { m: marketplace, a: asin });
  return Number(row?.n ?? 0);
}

describe('dromedary start with storefronts watched', () => {
  it('starts checking a storefront once it has tracked products, without a restart', async () => {
    const track = (marketplace: MarketplaceCode, asin: string) =>
      addProducts({ coordinator: standalone.coordinator.client, clickhouse: standalone.clickhouse, source: 'test' }, new Map([[marketplace, [asin]]]));
    const usAsin = demo.catalogue.get('us')![0]!;
    const deAsin = demo.catalogue.get('de')![0]!;
    expect(standalone.crawler.marketplaces).toEqual(['us']);

    await track('us', usAsin);
    await waitFor('a price of the us product', async () => (await pricesOf('us', usAsin)) > 0, { timeoutMs: 30_000 });

    await track('de', deAsin);
    await waitFor('a price of the de product', async () => (await pricesOf('de', deAsin)) > 0, { timeoutMs: 45_000 });
    expect([...standalone.crawler.marketplaces].sort()).toEqual(['de', 'us']);
  }, 90_000);
});
