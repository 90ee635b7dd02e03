/**
 * `dromedary bench alerts`: end-to-end alert latency — from a price point being appended to the
 * ingestion stream to the SMTP server accepting the alert email — through the real ingester, the
 * price_changes view, the alerter (detection, chart, nodemailer) and an in-process SMTP server.
 * Baselines measured in the same run: the ingestion alone (append → committed watermark), one
 * nodemailer send of a finished alert email, and one chart PNG.
 * Uses a private redis-server (unless a Redis URL is configured) and a temporary embedded database.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import { alertContent, alertEmail, createMailer, startAlerter } from '../alerts/index.js';
import { renderPriceChart } from '../charts/index.js';
import { configFromCommand, printJson } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import type { Config } from '../config/index.js';
import type { PriceObservation } from '../contracts/index.js';
import { RedisServerProcess, closeRedis, connectRedis, redisKeys, silentLogger } from '../runtime/index.js';
import {
  type TrackingRecord,
  type UserRecord,
  committedWatermark,
  createClickHouse,
  createIngestProducer,
  createIngester,
  insertTrackings,
  insertUsers,
  migrate,
  upsertCatalog,
} from '../storage/index.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

interface AlertsBenchOptions {
  products: number;
  trackersPerProduct: number;
  drops: number;
  dropsPerSec: number;
}

/** Registers `dromedary bench alerts`. */
export function registerAlertsBench(bench: Command): void {
  bench
    .command('alerts')
    .description('price point appended → alert email accepted by an SMTP server: latency p50/p95 through ingester, view, alerter and nodemailer')
    .option('--products <n>', 'tracked products', '200')
    .option('--trackers <n>', 'trackings (users) per product', '5')
    .option('--drops <n>', 'price drops sent (each alerts every tracker of its product)', '200')
    .option('--rate <n>', 'price drops appended per second', '10')
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, string | boolean | undefined>, command: Command) => {
      const num = (name: string, value: unknown): number => {
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number`);
        return n;
      };
      const result = await runAlertsBench(configFromCommand(command), {
        products: Math.round(num('products', opts.products)),
        trackersPerProduct: Math.round(num('trackers', opts.trackers)),
        drops: Math.round(num('drops', opts.drops)),
        dropsPerSec: num('rate', opts.rate),
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

/** Runs the benchmark and returns its figures. */
export async function runAlertsBench(base: Config, options: AlertsBenchOptions): Promise<Record<string, unknown>> {
  const { SMTPServer } = await import('smtp-server').catch((err: unknown) => {
    throw new UsageError(`the alerts benchmark needs the smtp-server package (a development dependency): ${(err as Error).message}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'drom-bench-alerts-'));
  const privateRedis = base.redis.url === DEFAULT_REDIS_URL ? await RedisServerProcess.start({ dir: join(dir, 'redis') }) : undefined;
  const accepted: { to: string; at: number }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        for (const r of session.envelope.rcptTo) accepted.push({ to: r.address, at });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const address = smtp.server.address();
  const smtpUrl = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const config: Config = {
    ...base,
    dataDir: join(dir, 'data'),
    instanceId: `bench-alerts-${process.pid}`,
    redis: { url: privateRedis?.url ?? base.redis.url, keyPrefix: `benchalerts${process.pid}` },
    clickhouse: { ...base.clickhouse, url: undefined, cluster: undefined },
    alerts: { ...base.alerts, smtpUrl, cooldownMs: 0, secret: 'bench-secret-0123456789abcdef' },
    api: { ...base.api, publicUrl: 'https://dromedary.bench' },
  };
  const logger = silentLogger();
  const redis = connectRedis({ url: config.redis.url, name: 'bench-alerts' });
  const keys = redisKeys(config.redis.keyPrefix);
  const clickhouse = await createClickHouse(config, { logger, createDatabase: true, serveBridge: false });
  const registry = new Registry();
  const ingester = createIngester({ redis, clickhouse, config, logger, registry, marketplaces: ['us'] });
  let alerter: Awaited<ReturnType<typeof startAlerter>> | undefined;
  try {
    await migrate(clickhouse, { database: config.clickhouse.database, logger });
    const now = Date.now();
    const asins = Array.from({ length: options.products }, (_, i) => `B0BENCH${String(i).padStart(3, '0')}`);
    const users: UserRecord[] = [];
    const trackings: TrackingRecord[] = [];
    const productOf = new Map<string, string>();
    for (const asin of asins) {
      for (let k = 0; k < options.trackersPerProduct; k++) {
        const user: UserRecord = { userId: randomUUID(), email: `${asin.toLowerCase()}-${k}@bench.example`, createdAt: now, verifiedAt: now, unsubscribedAt: null, version: now, isDeleted: false };
        users.push(user);
        productOf.set(user.email, asin);
        trackings.push({
          trackingId: randomUUID(), userId: user.userId, marketplace: 'us', asin, series: 'new', condition: 'new', amazonOnly: false,
          targetPrice: null, dropPercent: 5, dropAmount: null, allTimeLow: false, backInStock: false, emailEnabled: true, webhookUrl: '',
          webhookSecret: '', baselineSeq: 0, createdAt: now, updatedAt: now, version: now, isDeleted: false,
        });
      }
    }
    await insertUsers(clickhouse, users);
    await insertTrackings(clickhouse, trackings);
    await upsertCatalog(clickhouse, asins.map((asin) => ({ marketplace: 'us' as const, asin, state: 'active' as const, addedAt: now, source: 'bench', version: now })));
    await ingester.start();
    alerter = await startAlerter({ clickhouse, redis, config, logger, registry, marketplaces: ['us'] });

    const producer = createIngestProducer({ redis, keys, maxStreamLength: config.ingest.maxStreamLength });
    const last = new Map<string, { price: number; at: number }>();
    let clock = now - 86_400_000;
    const observe = (asin: string, price: number): PriceObservation => {
      const previous = last.get(asin);
      clock += 1_000;
      last.set(asin, { price, at: clock });
      return {
        marketplace: 'us', asin, series: 'new', condition: 'new', sellerKind: 'amazon', price, previousPrice: previous?.price ?? null,
        previousCheckedAt: previous?.at ?? null, currency: 'USD', listPrice: null, isBuyBox: true, availability: 'in_stock', offerCount: 1,
        checkedAt: clock, crawlerId: 'bench', checkId: randomUUID(),
      };
    };
    // First observations: prices, not changes; then wait until the alerter has judged them.
    for (let i = 0; i < asins.length; i += 50) {
      await producer.append('us', { v: 1, observations: asins.slice(i, i + 50).map((a, j) => observe(a, 50_000 + (i + j) * 10)), outcomes: [], products: [] });
    }
    const caughtUp = async (): Promise<void> => {
      for (;;) {
        const watermark = await committedWatermark(redis, keys, 'us');
        const p = await alerter!.progress();
        if ((p.cursors.us ?? -1) >= watermark && (await redis.xlen(keys.marketplace('us').ingestStream)) === 0) return;
        await sleep(50);
      }
    };
    await caughtUp();

    // The drops, at a steady rate: each appended alone, its time noted.
    const sentAt: { asin: string; at: number }[] = [];
    const ingestMs: number[] = [];
    const started = performance.now();
    for (let d = 0; d < options.drops; d++) {
      const asin = asins[d % asins.length]!;
      const due = started + (d * 1000) / options.dropsPerSec;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const obs = observe(asin, Math.round(last.get(asin)!.price * 0.9));
      const before = await committedWatermark(redis, keys, 'us');
      const at = performance.timeOrigin + performance.now();
      await producer.append('us', { v: 1, observations: [obs], outcomes: [], products: [] });
      sentAt.push({ asin, at });
      void watchIngest(before, at);
    }
    async function watchIngest(before: number, at: number): Promise<void> {
      while ((await committedWatermark(redis, keys, 'us')) <= before) await sleep(5);
      ingestMs.push(performance.timeOrigin + performance.now() - at);
    }
    const expected = options.drops * options.trackersPerProduct;
    const deadline = Date.now() + 120_000 + expected * 50;
    while (accepted.length < expected && Date.now() < deadline) await sleep(50);

    // Each user's k-th email answers the k-th drop of their product.
    const dropsOf = new Map<string, number[]>();
    for (const s of sentAt) dropsOf.set(s.asin, [...(dropsOf.get(s.asin) ?? []), s.at]);
    const seen = new Map<string, number>();
    const latencies: number[] = [];
    for (const a of accepted) {
      const k = seen.get(a.to) ?? 0;
      seen.set(a.to, k + 1);
      const at = dropsOf.get(productOf.get(a.to) ?? '')?.[k];
      if (at !== undefined) latencies.push(a.at - at);
    }

    // Baselines: one chart PNG, one nodemailer send of a finished alert email.
    const chartMs: number[] = [];
    let png: Buffer = Buffer.alloc(0);
    const points = Array.from({ length: 2_160 }, (_, i) => ({ t: now - (2_160 - i) * 3_600_000, price: 50_000 - (i % 300) * 10 }));
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      png = (await renderPriceChart({ series: [{ name: 'New', points }], currency: 'USD', locale: 'en-US', width: 600, height: 300 })).png;
      chartMs.push(performance.now() - t0);
    }
    const mailer = createMailer({ smtpUrl, logger });
    const content = alertContent({ alert: { marketplace: 'us', asin: 'B0BENCH000', price: 45_000, previousPrice: 50_000, currency: 'USD', reasons: ['drop'] }, title: 'Bench product', targetPrice: null, productPageUrl: 'https://dromedary.bench/products/us/B0BENCH000', amazonUrl: 'https://www.amazon.com/dp/B0BENCH000' });
    const sendMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await mailer.send(alertEmail({ content, from: config.alerts.from, to: 'baseline@bench.example', alertId: `baseline-${i}`, unsubscribeAllUrl: 'https://dromedary.bench/unsubscribe?token=x', unsubscribeTrackingUrl: 'https://dromedary.bench/unsubscribe?token=y', chartPng: png }));
      sendMs.push(performance.now() - t0);
    }
    mailer.close();

    return {
      alerts: latencies.length,
      expected_alerts: expected,
      duplicates_or_missing: accepted.filter((a) => a.to !== 'baseline@bench.example').length - expected,
      latency_ms_p50: percentile(latencies, 50),
      latency_ms_p95: percentile(latencies, 95),
      latency_ms_p99: percentile(latencies, 99),
      latency_ms_max: percentile(latencies, 100),
      ingest_ms_p50: percentile(ingestMs, 50),
      ingest_ms_p95: percentile(ingestMs, 95),
      baseline_smtp_send_ms_p50: percentile(sendMs, 50),
      chart_png_ms_p50: percentile(chartMs, 50),
      chart_png_bytes: png.length,
      products: options.products,
      trackings: trackings.length,
      drops: options.drops,
      drops_per_sec: options.dropsPerSec,
      emails_per_sec_offered: options.dropsPerSec * options.trackersPerProduct,
      poll_ms: config.alerts.pollMs,
      cpus: cpus().length,
      load_avg_1m: Math.round(loadavg()[0]! * 100) / 100,
    };
  } finally {
    await alerter?.close();
    await ingester.close();
    await clickhouse.close();
    await closeRedis(redis);
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await privateRedis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
