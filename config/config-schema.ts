/**
 * The shape of Dromedary's configuration, with every default. Validated once at start; the result is
 * frozen and handed down. Units are in the names.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from './marketplaces.js';

const marketplaceCode = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const url = z.url();

/** The Redis URL used when none is configured. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const configSchema = z
  .strictObject({
    /** Folder for the embedded engine's data and the private redis-server (`dromedary start`). */
    dataDir: z.string().min(1).default('./data'),
    /** Process instance id, used in logs, metrics and as the crawler id; default: hostname-pid. */
    instanceId: z.string().min(1).optional(),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    redis: z
      .strictObject({
        /** Redis URL; default redis://127.0.0.1:6379. */
        url: z.string().min(1).default(DEFAULT_REDIS_URL),
        /** Prefix of every key Dromedary writes; lets several installations share one Redis. */
        keyPrefix: z.string().default('drom'),
      })
      .prefault({}),
    clickhouse: z
      .strictObject({
        /** ClickHouse server URL. Unset: the embedded engine (chDB) with data under `dataDir`. */
        url: url.optional(),
        username: z.string().default('default'),
        password: z.string().default(''),
        database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('dromedary'),
        /** Use the cluster schema variant (ReplicatedMergeTree + Distributed) with this cluster name. */
        cluster: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/).optional(),
        requestTimeoutMs: positiveInt.default(60_000),
      })
      .prefault({}),
    /** Per-marketplace overrides. `baseUrl` points a storefront elsewhere (the simulator in tests and the demo). */
    marketplaces: z
      .partialRecord(
        marketplaceCode,
        z.strictObject({
          baseUrl: url.optional(),
          /** Cluster-wide request budget for this storefront, requests per second. */
          ratePerSec: z.number().positive().optional(),
        }),
      )
      .default({}),
    ingest: z
      .strictObject({
        /** Stream length at which producers are slowed (back-pressure); points wait there while ClickHouse is down. */
        maxStreamLength: positiveInt.default(200_000),
        /** Stream entries read per insert. */
        batchEntries: positiveInt.default(500),
        /** How long a read blocks waiting for new entries, ms. */
        blockMs: positiveInt.default(1_000),
        /** Times an entry may fail to insert before it is set aside as poison. */
        maxDeliveries: positiveInt.default(5),
        /**
         * Fault injection for crash tests only: `kill-after-insert` makes the ingester kill itself
         * (SIGKILL) right after an insert returned and before it is acknowledged. Default `none`.
         */
        faultInjection: z.enum(['none', 'kill-after-insert']).default('none'),
      })
      .prefault({}),
    coordinator: z
      .strictObject({
        /** How long a leased batch stays with a worker before it returns to the schedule, ms. */
        leaseMs: positiveInt.default(120_000),
        /** ASINs per leased batch. */
        batchSize: positiveInt.default(50),
        /** Shortest interval between checks of one ASIN (most tracked / volatile), ms. */
        minIntervalMs: positiveInt.default(3_600_000),
        /** Longest interval between checks of one ASIN, ms. */
        maxIntervalMs: positiveInt.default(6 * 3_600_000),
        /** First retry delay after a failed check, ms; doubles per consecutive failure. */
        failureBackoffMs: positiveInt.default(300_000),
        /** Cap on the failure back-off, ms. */
        maxFailureBackoffMs: positiveInt.default(6 * 3_600_000),
        /** Consecutive failures after which a product is flagged as needing attention. */
        attentionAfterFailures: positiveInt.default(8),
        /** Run the ingester inside the coordinator process. */
        runIngester: z.boolean().default(true),
      })
      .prefault({}),
    crawler: z
      .strictObject({
        marketplaces: z.array(marketplaceCode).default(['us']),
        /** Leased checks in flight at once on this node. */
        concurrency: positiveInt.default(20),
        /** Proxy URLs (http://user:pass@host:port, socks5://…). Empty: direct connections. */
        proxies: z.array(z.string().min(1)).default([]),
        /** Per-proxy, per-marketplace request budget, requests per second, cluster-wide. */
        perProxyRatePerSec: z.number().positive().default(1),
        /** Default per-marketplace request budget, requests per second, cluster-wide. */
        marketplaceRatePerSec: z.number().positive().default(50),
        requestTimeoutSecs: positiveInt.default(30),
        /** First cool-down of a proxy after a robot check, ms; doubles per repeat. */
        captchaCooldownMs: positiveInt.default(60_000),
        maxCaptchaCooldownMs: positiveInt.default(3_600_000),
        /** Fetch the offers fragment for used/refurbished prices. */
        fetchOffers: z.boolean().default(true),
        /** Fetch with Chromium (PlaywrightCrawler) instead of plain HTTP. */
        browser: z.boolean().default(false),
        chromiumPath: z.string().default('/usr/bin/chromium'),
        memoryMbytes: positiveInt.default(1024),
      })
      .prefault({}),
    alerts: z
      .strictObject({
        /** SMTP server URL, e.g. smtp://user:pass@host:587; unset: alerts by email are not sent. */
        smtpUrl: z.string().optional(),
        from: z.string().default('Dromedary <alerts@dromedary.invalid>'),
        /** Minimum time between two alerts of one tracking, ms. */
        cooldownMs: nonNegativeInt.default(6 * 3_600_000),
        maxAttempts: positiveInt.default(8),
        /** Secret used to sign unsubscribe links and webhooks. */
        secret: z.string().min(16).optional(),
        /** First retry delay of a failed delivery, ms; doubles per attempt up to retryMaxMs. */
        retryBaseMs: positiveInt.default(30_000),
        /** Cap on the delivery retry delay, ms. */
        retryMaxMs: positiveInt.default(3_600_000),
        /**
         * Deliver webhooks to loopback, private, link-local and other non-public addresses. Off by
         * default: a webhook URL is chosen by a user, and the alerter must not be a way into the
         * network it runs in. Turn on where every user is trusted (a receiver on the same host).
         */
        webhookPrivateAddresses: z.boolean().default(false),
        /** How often the alerter looks for new price changes and due deliveries when idle, ms. */
        pollMs: positiveInt.default(250),
        /** How long a sender holds a claimed delivery before another may take it over (a dead sender's claims come back), ms. */
        claimMs: positiveInt.default(60_000),
        /**
         * Fault injection for crash tests only: the alerter kills itself (SIGKILL) in the middle of a
         * detection batch — after its alerts are written, before they are queued / before the cursor
         * moves. Default `none`.
         */
        faultInjection: z.enum(['none', 'kill-after-alerts-insert', 'kill-after-enqueue']).default('none'),
      })
      .prefault({}),
    api: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: nonNegativeInt.max(65535).default(8080),
        /** Address people reach the web app at; used in emails and feeds. */
        publicUrl: url.optional(),
        /** Token for admin endpoints. */
        adminToken: z.string().min(16).optional(),
        /** Requests per minute per client on public endpoints. */
        rateLimitPerMin: positiveInt.default(600),
        bodyLimitBytes: positiveInt.default(1_048_576),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** Port of the Prometheus `/metrics` endpoint; 0 picks a free port; unset: none. */
        port: nonNegativeInt.max(65535).optional(),
        host: z.string().default('0.0.0.0'),
      })
      .prefault({}),
  });

/** Configuration as written (file, env, flags), before defaults. */
export type ConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default applied. */
export type Config = Readonly<z.output<typeof configSchema>>;
