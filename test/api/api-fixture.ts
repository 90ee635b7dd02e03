/**
 * Shared setup of the API tests: a real redis-server, the real embedded ClickHouse in a temp folder
 * (migrated), the alerts part's accounts service, and the app built by buildApp — driven with
 * inject(), or listening on a loopback port for Chromium. Price history is written straight into
 * price_points (every view active), as the ingester would.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { type Accounts, createAccounts } from '../../alerts/index.js';
import { type ApiApp, type ApiDeps, type InvalidationListener, ProductCache, type ZodApp, buildApp, createInvalidationListener } from '../../api/index.js';
import { type Config, type ConfigInput, loadConfig } from '../../config/index.js';
import { SERIES_CONDITION, type Series } from '../../contracts/index.js';
import { createCoordinatorClient } from '../../coordinator/index.js';
import { type Redis, createLogger, redisKeys, silentLogger } from '../../runtime/index.js';
import { createClickHouse, migrate } from '../../storage/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
export const SECRET = 'a-test-secret-of-enough-length-42';
export const DAY_MS = 86_400_000;

export interface ApiEnv {
  config: Config;
  clickhouse: ClickHouseClient;
  redis: Redis;
  testRedis: TestRedis;
  accounts: Accounts;
  api: ApiApp;
  app: ZodApp;
  listener: InvalidationListener;
  /** Builds another app on the same engines (closed by close()). */
  another(deps?: Partial<ApiDeps>): Promise<ApiApp>;
  close(): Promise<void>;
}

/** Starts everything; `deps` overrides buildApp's collaborators. */
export async function startApiEnv(options: { config?: ConfigInput; deps?: Partial<ApiDeps> } = {}): Promise<ApiEnv> {
  const testRedis = await startTestRedis();
  const dataDir = makeTempDir('drom-api-');
  const config = loadConfig({
    env: {},
    flags: {
      dataDir,
      redis: { url: testRedis.url, keyPrefix: testRedis.keyPrefix },
      api: { adminToken: ADMIN_TOKEN, rateLimitPerMin: 100_000, ...(options.config?.api ?? {}) },
      alerts: { secret: SECRET },
      ...Object.fromEntries(Object.entries(options.config ?? {}).filter(([k]) => k !== 'api')),
    },
  });
  // DROMEDARY_TEST_LOG=debug shows the API's logs (errors behind a 500, for one).
  const level = process.env.DROMEDARY_TEST_LOG;
  const logger = level === 'debug' || level === 'info' || level === 'error' ? createLogger({ role: 'api-test', instanceId: 'test', level }) : silentLogger();
  const clickhouse = await createClickHouse(config, { logger, createDatabase: true, serveBridge: false });
  await migrate(clickhouse, { database: config.clickhouse.database, logger });
  const redis = testRedis.client('api-test');
  const keys = redisKeys(config.redis.keyPrefix);
  const coordinator = createCoordinatorClient({ redis, keys, config });
  const accounts = createAccounts({ clickhouse, redis, keys, config, coordinator, logger });
  const cache = new ProductCache();
  const listener = createInvalidationListener({ subscriber: redis.duplicate(), channel: keys.productsChangedChannel, cache, logger });
  await listener.start();
  const extra: ApiApp[] = [];
  const base: ApiDeps = { config, clickhouse, redis, logger, accounts, cache, ...options.deps };
  const api = await buildApp(base);
  return {
    config,
    clickhouse,
    redis,
    testRedis,
    accounts,
    api,
    app: api.app,
    listener,
    async another(deps = {}) {
      const built = await buildApp({ ...base, cache: new ProductCache(), ...deps });
      extra.push(built);
      return built;
    },
    async close() {
      for (const a of [api, ...extra]) await a.app.close();
      await listener.close();
      await accounts.close();
      await clickhouse.close();
      await testRedis.stop();
      removeTempDirs();
    },
  };
}

/** One point of a series. */
export interface Point {
  /** Epoch ms. */
  at: number;
  /** Minor units; null = no offer. */
  price: number | null;
  listPrice?: number | null;
}

/**
 * Writes a product's series straight into price_points (previous prices chained per series, ingest
 * sequence 1), plus — when a title is given — its metadata and catalog entry.
 */
export async function writeHistory(
  clickhouse: ClickHouseClient,
  product: { marketplace?: string; asin: string; title?: string; brand?: string; breadcrumb?: string; tracked?: boolean; currency?: string },
  series: Partial<Record<Series, readonly Point[]>>,
): Promise<void> {
  const marketplace = product.marketplace ?? 'us';
  const currency = product.currency ?? 'USD';
  const rows: string[] = [];
  for (const [name, points] of Object.entries(series) as [Series, Point[]][]) {
    let previous: Point | undefined;
    for (const p of [...points].sort((a, b) => a.at - b.at)) {
      const condition = SERIES_CONDITION[name];
      rows.push(
        `${JSON.stringify([
          marketplace, product.asin, name, condition, name === 'amazon' ? 'amazon' : 'third_party', p.price, previous?.price ?? null,
          previous ? Math.floor(previous.at / 1000) : null, currency, p.listPrice ?? null, name === 'new', p.price === null ? 'out_of_stock' : 'in_stock',
          p.price === null ? 0 : 1, Math.floor(p.at / 1000), 'test', 1,
        ])}\n`,
      );
      previous = p;
    }
  }
  await insert(
    clickhouse,
    'price_points',
    ['marketplace', 'asin', 'series', 'condition', 'seller_kind', 'price', 'previous_price', 'previous_checked_at', 'currency', 'list_price', 'is_buy_box', 'availability', 'offer_count', 'checked_at', 'crawler_id', 'ingest_seq'],
    rows.join(''),
  );
  // Without a title only prices are written (a later check of a product already described).
  if (product.title === undefined) return;
  const now = (Date.now() / 1000).toFixed(3);
  await insert(
    clickhouse,
    'products',
    ['marketplace', 'asin', 'title', 'brand', 'breadcrumb', 'image_url', 'sales_rank', 'parent_asin', 'checked_at', 'ingest_seq'],
    `${JSON.stringify([marketplace, product.asin, product.title, product.brand ?? 'Acme', product.breadcrumb ?? 'Electronics › Audio', '', 100, null, now, 1])}\n`,
  );
  if (product.tracked !== false) {
    await insert(clickhouse, 'catalog', ['marketplace', 'asin', 'state', 'added_at', 'source', 'version'], `${JSON.stringify([marketplace, product.asin, 'active', now, 'test', Date.now()])}\n`);
  }
}

async function insert(clickhouse: ClickHouseClient, table: string, columns: readonly string[], body: string): Promise<void> {
  const result = await clickhouse.exec({ query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`, values: Readable.from([body]) });
  for await (const _chunk of result.stream) {
    // drain
  }
}

/** `count` points from `daysAgo` days ago to now, evenly spaced, priced by `price(i)`. */
export function daily(count: number, daysAgo: number, price: (i: number) => number | null, now = Date.now()): Point[] {
  const start = now - daysAgo * DAY_MS;
  const step = (daysAgo * DAY_MS) / Math.max(1, count - 1);
  return Array.from({ length: count }, (_, i) => ({ at: Math.round(Math.min(now - 1_000, start + i * step)), price: price(i) }));
}

/** JSON body of an inject() response. */
export function json<T = Record<string, unknown>>(response: { body: string }): T {
  return JSON.parse(response.body) as T;
}

/** A user with a token, signed up through the API. */
export async function signUp(app: ZodApp, email: string): Promise<{ userId: string; token: string; auth: { authorization: string } }> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/users', payload: { email } });
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  const body = json<{ user: { userId: string }; token: string }>(response);
  return { userId: body.user.userId, token: body.token, auth: { authorization: `Bearer ${body.token}` } };
}

export const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
