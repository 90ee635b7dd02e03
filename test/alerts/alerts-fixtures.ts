/**
 * Shared setup of the alerts tests: a migrated embedded ClickHouse, a real redis-server, a real SMTP
 * server (smtp-server) that keeps what it accepts, the real ingester, and a price feed that appends
 * observations to the ingestion stream exactly as a crawler's settle does.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { type ParsedMail, simpleParser } from 'mailparser';
import { Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { type Accounts, type Alerter, type Mailer, createAccounts, createMailer } from '../../alerts/index.js';
import { type Config, type ConfigInput, type MarketplaceCode, loadConfig } from '../../config/index.js';
import type { CrawlOutcome, IngestEnvelope, PriceObservation, Series } from '../../contracts/index.js';
import { type CoordinatorClient, createCoordinatorClient } from '../../coordinator/index.js';
import { type Redis, type RedisKeys, redisKeys, silentLogger } from '../../runtime/index.js';
import { type IngestProducer, committedWatermark, createClickHouse, createIngestProducer, createIngester, migrate } from '../../storage/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** One message the SMTP server accepted. */
export interface ReceivedMail {
  to: string[];
  raw: Buffer;
  receivedAt: number;
}

/** A real SMTP server on a free loopback port that keeps every message it accepts. */
export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Makes the server refuse messages (4xx: temporary, 5xx: permanent) until called with null. */
  refuse(code: 451 | 550 | null): void;
  parse(mail: ReceivedMail): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let refusing: number | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusing !== null) {
          const err = Object.assign(new Error(refusing >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: refusing });
          callback(err);
          return;
        }
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks), receivedAt: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refuse: (code) => {
      refusing = code;
    },
    // skipImageLinks keeps `cid:` references in the HTML as sent (not turned into data: URLs).
    parse: (mail) => simpleParser(mail.raw, { skipImageLinks: true }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Everything a detection or delivery test needs, started. */
export interface AlertsEnv {
  config: Config;
  redis: Redis;
  keys: RedisKeys;
  clickhouse: ClickHouseClient;
  coordinator: CoordinatorClient;
  accounts: Accounts;
  mailer: Mailer;
  smtp: TestSmtp;
  feed: PriceFeed;
  testRedis: TestRedis;
  registry: Registry;
  /** Signs up and verifies (through the link in the email) a user; returns the user id. */
  verifiedUser(email: string): Promise<string>;
  /** Messages received for `to` so far. */
  mailsTo(to: string): ReceivedMail[];
  close(): Promise<void>;
}

export interface AlertsEnvOptions {
  flags?: ConfigInput;
  /** Run the ingester in this process (default true). */
  ingester?: boolean;
}

export async function startAlertsEnv(options: AlertsEnvOptions = {}): Promise<AlertsEnv> {
  const testRedis = await startTestRedis();
  const smtp = await startTestSmtp();
  const dataDir = makeTempDir('drom-alerts-');
  const flags: ConfigInput = {
    dataDir,
    redis: { url: testRedis.url, keyPrefix: testRedis.keyPrefix },
    ingest: { blockMs: 50 },
    api: { publicUrl: 'https://dromedary.test' },
    ...options.flags,
    alerts: { smtpUrl: smtp.url, pollMs: 25, from: 'Dromedary <alerts@dromedary.test>', ...options.flags?.alerts },
  };
  const config = loadConfig({ env: {}, flags });
  const logger = silentLogger();
  const clickhouse = await createClickHouse(config, { logger, createDatabase: true });
  await migrate(clickhouse, { database: config.clickhouse.database, logger });
  const redis = testRedis.client('alerts-test');
  const keys = redisKeys(config.redis.keyPrefix);
  const coordinator = createCoordinatorClient({ redis, keys, config });
  const mailer = createMailer({ smtpUrl: smtp.url, logger });
  const accounts = createAccounts({ clickhouse, redis, keys, config, coordinator, logger, mailer });
  const registry = new Registry();
  const ingester = options.ingester === false ? undefined : createIngester({ redis, clickhouse, config, logger, registry, marketplaces: ['us', 'de', 'jp'] });
  await ingester?.start();
  const producer = createIngestProducer({ redis, keys, maxStreamLength: 100_000 });
  const feed = new PriceFeed(producer, redis, keys);
  const mailsTo = (to: string): ReceivedMail[] => smtp.received.filter((m) => m.to.includes(to));
  return {
    config,
    redis,
    keys,
    clickhouse,
    coordinator,
    accounts,
    mailer,
    smtp,
    feed,
    testRedis,
    registry,
    mailsTo,
    async verifiedUser(email) {
      const before = mailsTo(email).length;
      const { user } = await accounts.signUp({ email });
      const mail = await waitFor('the verification email', () => mailsTo(email)[before]);
      const parsed = await smtp.parse(mail);
      const token = /verify\?token=([A-Za-z0-9_.%-]+)/.exec(parsed.text ?? '')?.[1];
      if (!token) throw new Error('no verification link in the email');
      await accounts.verifyEmail(decodeURIComponent(token));
      return user.userId;
    },
    async close() {
      await ingester?.close();
      await accounts.close();
      mailer.close();
      await clickhouse.close();
      await smtp.close();
      await testRedis.stop();
    },
  };
}

let checkSeq = 0;

/**
 * Appends price observations to the ingestion stream as a crawler does: every series' previous price
 * and check time chained from the last observation of that series.
 */
export class PriceFeed {
  private readonly last = new Map<string, { price: number | null; checkedAt: number }>();
  private clock = Date.now() - 3_600_000;

  constructor(
    private readonly producer: IngestProducer,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** A check time later than every earlier one (seconds apart: prices are stored to the second). */
  nextTime(stepMs = 60_000): number {
    this.clock = Math.max(this.clock + stepMs, this.clock + 1000);
    return this.clock;
  }

  /** Observations of one check of `asin`: `prices` per series (null = no offer). */
  check(asin: string, prices: Partial<Record<Series, number | null>>, { marketplace = 'us', at }: { marketplace?: MarketplaceCode; at?: number } = {}): PriceObservation[] {
    const checkedAt = at ?? this.nextTime();
    const checkId = `chk-${++checkSeq}`;
    return Object.entries(prices).map(([series, price]) => {
      const key = `${marketplace}|${asin}|${series}`;
      const previous = this.last.get(key);
      this.last.set(key, { price: price ?? null, checkedAt });
      return {
        marketplace,
        asin,
        series: series as Series,
        condition: series === 'used' || series === 'warehouse' ? 'used' : series === 'refurbished' ? 'refurbished' : series === 'collectible' ? 'collectible' : 'new',
        sellerKind: series === 'amazon' ? 'amazon' : series === 'warehouse' ? 'warehouse' : 'third_party',
        price: price ?? null,
        previousPrice: previous?.price ?? null,
        previousCheckedAt: previous?.checkedAt ?? null,
        currency: marketplace === 'de' ? 'EUR' : marketplace === 'jp' ? 'JPY' : 'USD',
        listPrice: null,
        isBuyBox: series === 'new',
        availability: price === null || price === undefined ? 'out_of_stock' : 'in_stock',
        offerCount: price === null ? 0 : 1,
        checkedAt,
        crawlerId: 'test-crawler',
        checkId,
      } satisfies PriceObservation;
    });
  }

  /** Appends one envelope; resolves once the ingester committed it (the watermark passed it). */
  async send(observations: PriceObservation[], outcomes: CrawlOutcome[] = [], marketplace: MarketplaceCode = 'us'): Promise<void> {
    const before = await committedWatermark(this.redis, this.keys, marketplace);
    const envelope: IngestEnvelope = { v: 1, observations, outcomes, products: [] };
    await this.producer.append(marketplace, envelope);
    await waitFor('the envelope to be ingested', async () => (await committedWatermark(this.redis, this.keys, marketplace)) > before, { timeoutMs: 30_000 });
  }

  /** One check of one product's series, sent and ingested. */
  async price(asin: string, prices: Partial<Record<Series, number | null>>, marketplace: MarketplaceCode = 'us'): Promise<void> {
    await this.send(this.check(asin, prices, { marketplace }), [], marketplace);
  }

  /** A failed check: only an outcome, no price (as a crawler records a CAPTCHA, a block, a timeout). */
  failure(asin: string, outcome: CrawlOutcome['outcome'], marketplace: MarketplaceCode = 'us'): CrawlOutcome {
    return {
      marketplace,
      asin,
      outcome,
      httpStatus: outcome === 'timeout' ? null : outcome === 'captcha' ? 503 : 200,
      detail: outcome,
      checkedAt: this.nextTime(),
      crawlerId: 'test-crawler',
      checkId: `chk-${++checkSeq}`,
      durationMs: 100,
      bytes: 1000,
    };
  }
}

let asinCounter = 0;

/** A fresh ASIN for a test (unique within the file). */
export function testAsin(): string {
  return `B0TEST${String(++asinCounter).padStart(4, '0')}`;
}

/**
 * Waits until `alerter` has judged everything committed in `marketplace` and has no delivery due or
 * in flight — after this, a missing alert is really missing.
 */
export async function waitJudged(env: AlertsEnv, alerter: Alerter, marketplace: MarketplaceCode = 'us'): Promise<void> {
  await waitFor('the alerter to judge every committed change and drain its queue', async () => {
    const watermark = await committedWatermark(env.redis, env.keys, marketplace);
    const p = await alerter.progress();
    return (p.cursors[marketplace] ?? 0) >= watermark && (await deliveryQueueEmpty(env));
  }, { timeoutMs: 30_000 });
}

/**
 * True when no delivery is due by `dueBy` (default now; '+inf': any, even backed off) or in flight. Both queues are read in one transaction: a delivery
 * moving between them between two separate reads would be counted in neither.
 */
export async function deliveryQueueEmpty(env: Pick<AlertsEnv, 'redis' | 'keys'>, dueBy: number | '+inf' = Date.now()): Promise<boolean> {
  const replies = await env.redis.multi().zcount(env.keys.alerts.due, '-inf', dueBy).zcard(env.keys.alerts.inflight).exec();
  return (replies ?? []).every(([err, value]) => {
    if (err) throw err;
    return Number(value) === 0;
  });
}
