/**
 * Shared setup of the extension's browser tests: the extension built by its own build script into
 * a temp folder, the marketplace simulator over TLS (Amazon's hosts are mapped to it), a real API
 * server (real redis-server, the real embedded ClickHouse in a temp folder) holding a price history
 * that went through the real ingestion path (stream → ingester → price_points), and headless
 * Chromium with the unpacked extension loaded.
 */
import { spawn } from 'node:child_process';
import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { type BrowserContext, type Worker, chromium } from 'playwright-core';
import { Registry } from 'prom-client';
import { type ApiServer, startApiServer } from '../../api/index.js';
import { type Config, type MarketplaceCode, loadConfig } from '../../config/index.js';
import { type PriceObservation, type ProductMetadata, SERIES, SERIES_CONDITION } from '../../contracts/index.js';
import { redisKeys, silentLogger } from '../../runtime/index.js';
import type { SimulatorHandle } from '../../simulator/index.js';
import { createClickHouse, createIngestProducer, createIngester, migrate, selectRows, upsertCatalog } from '../../storage/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

export const DAY_MS = 86_400_000;
const BUILD_SCRIPT = fileURLToPath(new URL('../../extension/build/build-extension.ts', import.meta.url));

/** Runs the extension's build script (what `npm run build:extension` runs) into `outDir`; returns its JSON report. */
export async function buildExtensionInto(outDir: string): Promise<{ browser: string; dir: string; zip: string; files: number; bytes: number }[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, '--out-dir', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`build:extension exited ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as { browser: string; dir: string; zip: string; files: number; bytes: number }[];
}

/** The API side: engines, the running server, and how to write history. */
export interface ApiSide {
  config: Config;
  clickhouse: ClickHouseClient;
  testRedis: TestRedis;
  server: ApiServer;
  close(): Promise<void>;
}

/** Starts Redis, the embedded ClickHouse (migrated) and an API server on a loopback port. */
export async function startApiSide(): Promise<ApiSide> {
  const testRedis = await startTestRedis();
  const config = loadConfig({
    env: {},
    flags: {
      dataDir: makeTempDir('drom-ext-data-'),
      instanceId: 'extension-test',
      redis: { url: testRedis.url, keyPrefix: testRedis.keyPrefix },
      api: { rateLimitPerMin: 100_000 },
      alerts: { secret: 'a-test-secret-of-enough-length-42' },
    },
  });
  const logger = silentLogger();
  const clickhouse = await createClickHouse(config, { logger, createDatabase: true, serveBridge: false });
  await migrate(clickhouse, { database: config.clickhouse.database, logger });
  const redis = testRedis.client('extension-test-api');
  const server = await startApiServer({ config, clickhouse, redis, logger, host: '127.0.0.1', port: 0 });
  return {
    config,
    clickhouse,
    testRedis,
    server,
    async close() {
      await server.close();
      await clickhouse.close();
      await testRedis.stop();
    },
  };
}

/**
 * Writes `days` of a simulated product's history the way crawler nodes do: one observation per
 * series the product has, every `stepDays`, priced as the simulator priced it then, appended to
 * the marketplace's ingestion stream and stored by the real ingester. Marks it tracked when asked.
 */
export async function ingestHistory(
  api: ApiSide,
  sim: SimulatorHandle,
  products: readonly { marketplace: MarketplaceCode; asin: string; tracked: boolean }[],
  { days = 120, stepDays = 3 }: { days?: number; stepDays?: number } = {},
): Promise<void> {
  const redis = api.testRedis.client('extension-test-ingest');
  const keys = redisKeys(api.config.redis.keyPrefix);
  const producer = createIngestProducer({ redis, keys, maxStreamLength: 100_000 });
  const marketplaces = [...new Set(products.map((p) => p.marketplace))];
  const ingester = createIngester({ redis, clickhouse: api.clickhouse, config: api.config, logger: silentLogger(), registry: new Registry(), marketplaces });
  await ingester.start();
  const now = Date.now();
  let expected = 0;
  try {
    for (const product of products) {
      const observations: PriceObservation[] = [];
      const previous = new Map<string, { price: number | null; at: number }>();
      for (let t = now - days * DAY_MS; t <= now; t += stepDays * DAY_MS) {
        const at = Math.min(t, now - 60_000);
        const truth = sim.truth(product.marketplace, product.asin, at);
        for (const series of SERIES) {
          const s = truth.series[series];
          if (s.offerCount === 0 && s.price === null) continue;
          const before = previous.get(series);
          observations.push({
            marketplace: product.marketplace,
            asin: product.asin,
            series,
            condition: SERIES_CONDITION[series],
            sellerKind: series === 'amazon' ? 'amazon' : series === 'warehouse' ? 'warehouse' : 'third_party',
            price: s.inStock ? s.price : null,
            previousPrice: before?.price ?? null,
            previousCheckedAt: before?.at ?? null,
            currency: truth.currency,
            listPrice: null,
            isBuyBox: series === 'new',
            availability: s.inStock ? 'in_stock' : 'out_of_stock',
            offerCount: s.offerCount,
            checkedAt: at,
            crawlerId: 'extension-test',
            checkId: `${product.marketplace}-${product.asin}-${at}`,
          });
          previous.set(series, { price: s.inStock ? s.price : null, at });
        }
      }
      const page = sim.pageTruth(product.marketplace, product.asin);
      const metadata: ProductMetadata = {
        marketplace: product.marketplace,
        asin: product.asin,
        title: page.title,
        brand: page.brand ?? '',
        breadcrumb: page.breadcrumb ?? '',
        imageUrl: '',
        salesRank: null,
        parentAsin: null,
        checkedAt: now - 60_000,
      };
      await producer.append(product.marketplace, { v: 1, observations, outcomes: [], products: [metadata] });
      expected += observations.length;
      if (product.tracked) {
        await upsertCatalog(api.clickhouse, [{ marketplace: product.marketplace, asin: product.asin, state: 'active', addedAt: now - days * DAY_MS, source: 'test', version: now }]);
      }
    }
    await waitFor(
      'the ingester to store the history',
      async () => Number((await selectRows<{ n: string }>(api.clickhouse, 'SELECT count() AS n FROM price_points'))[0]?.n) >= expected,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } finally {
    await ingester.close();
  }
}

/** One request as it reached the server. */
export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A pass-through HTTP proxy in front of the API that records what the extension sends. */
export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a recording proxy to `target` (`http://host:port`) on a loopback port. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on('error', () => {
        res.writeHead(502).end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Chromium with the unpacked extension, Amazon's hosts mapped to the simulator. */
export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close(): Promise<void>;
}

/**
 * Amazon's hosts go to the simulator; every other name fails at once (the pages reference image and
 * script hosts that would otherwise wait for DNS answers this machine never gets).
 */
export function hostResolverRules(simPort: number, hosts: readonly string[]): string {
  return [...hosts.map((h) => `MAP ${h} 127.0.0.1:${simPort}`), 'MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1'].join(', ');
}

/** Launches headless Chromium (/usr/bin/chromium) with the extension in `extensionDir`. */
export async function launchWithExtension(extensionDir: string, simPort: number, hosts: readonly string[]): Promise<ExtensionBrowser> {
  const userDataDir = makeTempDir('drom-ext-profile-');
  const rules = hostResolverRules(simPort, hosts);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1000 },
    // Plain bodies: these tests are about the extension, not about how the simulator compresses pages.
    extraHTTPHeaders: { 'accept-encoding': 'identity' },
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      `--host-resolver-rules=${rules}`,
      '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    async close() {
      await context.close();
    },
  };
}

/** The simulator's product `i`-th of a layout that shows a new price now. */
export function pickProduct(sim: SimulatorHandle, marketplace: MarketplaceCode, layout: 'old' | 'new', skip: readonly string[] = []): string {
  const found = sim.catalogue(marketplace).find((p) => {
    if (p.layout !== layout || skip.includes(p.asin)) return false;
    const page = sim.pageTruth(marketplace, p.asin);
    return page.priceNew !== null && page.availability !== 'out_of_stock';
  });
  if (!found) throw new Error(`no ${layout}-layout product with a price in ${marketplace}`);
  return found.asin;
}
