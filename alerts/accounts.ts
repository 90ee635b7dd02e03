/**
 * Users and their trackings — the domain functions the API mounts. Every function that touches a
 * tracking takes the acting user's id and checks ownership itself (ForbiddenError), so isolation does
 * not depend on the HTTP layer. Tracking a product puts it in the catalog and on the schedule (one
 * crawl however many people track it) and updates the product's tracker count, which sets how often
 * it is checked.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Config, MarketplaceCode } from '../config/index.js';
import { type CoordinatorClient, addProducts } from '../coordinator/index.js';
import type { Series } from '../contracts/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import {
  type ChannelHealth,
  type TrackingRecord,
  type UserAlert,
  type UserRecord,
  alertsOfUser,
  channelHealth,
  findTrackingById,
  findUserByEmail,
  findUserById,
  insertTrackings,
  insertUsers,
  lastAlertsOfTrackings,
  latestSeriesPrices,
  trackingCounts,
  trackingsOfUser,
} from '../storage/index.js';
import { effectivePrice } from './alert-records.js';
import { resolveAlertsSecret } from './alerts-secret.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors.js';
import { unsubscribeUrl, verifyUrl } from './links.js';
import { type Mailer, createMailer } from './mailer.js';
import { writeTrackingWithRules } from './rules-setter.js';
import { type TokenSigner, createTokenSigner } from './signed-token.js';
import { type RuleSet, type TrackInput, type TrackingPatch, normaliseEmail, parseInput, ruleSet, seriesFor, trackInputSchema, trackingPatchSchema } from './tracking-input.js';
import { verificationEmail } from './verification-email.js';

export interface AccountsOptions {
  clickhouse: ClickHouseClient;
  redis: Redis;
  keys: RedisKeys;
  config: Config;
  coordinator: CoordinatorClient;
  logger: Logger;
  /** Sends verification emails; default: a mailer on config alerts.smtpUrl (none when unset: nothing is mailed). */
  mailer?: Mailer;
  /** How long a verification link works, ms. Default 72 h. */
  verifyTtlMs?: number;
}

/** A user as the API shows it. */
export interface UserView {
  userId: string;
  email: string;
  verified: boolean;
  unsubscribed: boolean;
  createdAt: number;
}

/** A tracking as its owner sees it. */
export interface TrackingView {
  trackingId: string;
  userId: string;
  marketplace: MarketplaceCode;
  asin: string;
  condition: TrackingRecord['condition'];
  amazonOnly: boolean;
  /** The series judged (the cheapest of them when several). */
  series: readonly Series[];
  rules: RuleSet;
  channels: { email: boolean; webhookUrl: string | null; webhookSecret: string | null };
  createdAt: number;
  updatedAt: number;
}

/** A tracking in the owner's list: with its latest price, its channels' health and its last alert. */
export interface TrackingListItem extends TrackingView {
  latestPrice: { price: number | null; series: Series; currency: string; checkedAt: number } | null;
  /** Per channel: the latest delivery's state and failures since the last success (a failing channel shows here). */
  channelHealth: Omit<ChannelHealth, 'trackingId'>[];
  lastAlert: { at: number; price: number | null } | null;
}

/** The accounts service. */
export interface Accounts {
  /** Signs up (or finds) the user with this address and mails the double opt-in link unless verified. */
  signUp(input: { email: string }): Promise<{ user: UserView; created: boolean; verificationSent: boolean }>;
  /** Mails the verification link again (unless already verified). */
  resendVerification(userId: string): Promise<{ verificationSent: boolean }>;
  /** Confirms an address from the link's token (idempotent). */
  verifyEmail(token: string): Promise<UserView>;
  /** One-click unsubscribe from the token in a link or List-Unsubscribe header (idempotent). */
  unsubscribe(token: string): Promise<{ userId: string; trackingId: string | null }>;
  /** Turns alert emails back on for a user who unsubscribed. */
  resubscribe(userId: string): Promise<UserView>;
  getUser(userId: string): Promise<UserView>;
  /** Unsubscribe links: of every alert email of the user, or of one tracking's emails. */
  unsubscribeUrl(userId: string, trackingId?: string): string;
  track(userId: string, input: TrackInput): Promise<TrackingView & { alertedNow: boolean }>;
  updateTracking(userId: string, trackingId: string, patch: TrackingPatch): Promise<TrackingView & { alertedNow: boolean }>;
  deleteTracking(userId: string, trackingId: string): Promise<void>;
  getTracking(userId: string, trackingId: string): Promise<TrackingView>;
  listTrackings(userId: string, page?: { limit?: number; offset?: number }): Promise<{ total: number; items: TrackingListItem[] }>;
  /** The user's alerts, newest first (the RSS feed). */
  listAlerts(userId: string, page?: { limit?: number; offset?: number }): Promise<UserAlert[]>;
  /** Closes what the service created (its own mailer). */
  close(): Promise<void>;
}

const MAX_PAGE = 200;

/** The accounts service over the given collaborators. */
export function createAccounts(options: AccountsOptions): Accounts {
  const { clickhouse, redis, keys, config, coordinator } = options;
  const log = options.logger.child({ component: 'accounts' });
  const signer: TokenSigner = createTokenSigner(resolveAlertsSecret(config, log));
  const queue = createDeliveryQueue(redis, keys);
  const ownMailer = options.mailer ? undefined : config.alerts.smtpUrl ? createMailer({ smtpUrl: config.alerts.smtpUrl, logger: log }) : undefined;
  const mailer = options.mailer ?? ownMailer;
  const verifyTtlMs = options.verifyTtlMs ?? 72 * 3_600_000;
  const deps = { clickhouse, redis, keys, queue, cooldownMs: config.alerts.cooldownMs };

  const requireUser = async (userId: string): Promise<UserRecord> => {
    assertUuid(userId, 'userId');
    const user = await findUserById(clickhouse, userId);
    if (!user) throw new NotFoundError('no such user');
    return user;
  };
  const ownTracking = async (userId: string, trackingId: string): Promise<TrackingRecord> => {
    assertUuid(userId, 'userId');
    assertUuid(trackingId, 'trackingId');
    const tracking = await findTrackingById(clickhouse, trackingId);
    if (!tracking) throw new NotFoundError('no such tracking');
    if (tracking.userId !== userId) throw new ForbiddenError('this tracking belongs to another user');
    return tracking;
  };
  const writeUser = async (user: UserRecord, change: Partial<UserRecord>): Promise<UserRecord> => {
    const next = { ...user, ...change, version: Math.max(Date.now(), user.version + 1) };
    await insertUsers(clickhouse, [next]);
    return next;
  };
  const sendVerification = async (user: UserRecord): Promise<boolean> => {
    if (user.verifiedAt !== null) return false;
    if (!mailer) {
      log.warn({ userId: user.userId }, 'no SMTP server configured: verification email not sent');
      return false;
    }
    const token = signer.sign({ p: 'verify', u: user.userId, h: signer.fingerprint(user.email), exp: Math.floor((Date.now() + verifyTtlMs) / 1000) });
    await mailer.send(verificationEmail({ from: config.alerts.from, to: user.email, link: verifyUrl(config, token), validHours: Math.round(verifyTtlMs / 3_600_000) }));
    log.info({ userId: user.userId }, 'verification email sent');
    return true;
  };
  const syncTrackerCount = async (marketplace: MarketplaceCode, asin: string): Promise<void> => {
    const count = (await trackingCounts(clickhouse, { marketplace, asins: [asin] })).get(asin) ?? 0;
    await coordinator.setTrackerCounts(marketplace, [{ asin, count }]);
  };

  return {
    async signUp(input) {
      const email = normaliseEmail(input?.email);
      const existing = await findUserByEmail(clickhouse, email);
      if (existing) return { user: view(existing), created: false, verificationSent: await sendVerification(existing) };
      const now = Date.now();
      // The id is derived from the address: two sign-ups racing for one address write the same user.
      const user: UserRecord = { userId: uuidFrom(signer.fingerprint(`user:${email}`)), email, createdAt: now, verifiedAt: null, unsubscribedAt: null, version: now, isDeleted: false };
      await insertUsers(clickhouse, [user]);
      log.info({ userId: user.userId }, 'user signed up');
      return { user: view(user), created: true, verificationSent: await sendVerification(user) };
    },
    async resendVerification(userId) {
      return { verificationSent: await sendVerification(await requireUser(userId)) };
    },
    async verifyEmail(token) {
      const payload = signer.verify(token, 'verify');
      const user = await findUserById(clickhouse, payload.u);
      if (!user) throw new NotFoundError('no such user');
      if (signer.fingerprint(user.email) !== payload.h) throw new InvalidInputError('this link was sent to another address', ['token: sent to another address']);
      if (user.verifiedAt !== null) return view(user);
      log.info({ userId: user.userId }, 'email verified');
      return view(await writeUser(user, { verifiedAt: Date.now() }));
    },
    async unsubscribe(token) {
      const payload = signer.verify(token, 'unsubscribe');
      const user = await findUserById(clickhouse, payload.u);
      if (!user) throw new NotFoundError('no such user');
      if (payload.t) {
        const tracking = await findTrackingById(clickhouse, payload.t);
        // A deleted tracking sends nothing anyway: unsubscribing from it succeeds.
        if (tracking && tracking.userId === user.userId && tracking.emailEnabled) {
          await insertTrackings(clickhouse, [{ ...tracking, emailEnabled: false, updatedAt: Date.now(), version: Math.max(Date.now(), tracking.version + 1) }]);
        }
        log.info({ userId: user.userId, trackingId: payload.t }, 'unsubscribed from a tracking');
        return { userId: user.userId, trackingId: payload.t };
      }
      if (user.unsubscribedAt === null) await writeUser(user, { unsubscribedAt: Date.now() });
      log.info({ userId: user.userId }, 'unsubscribed');
      return { userId: user.userId, trackingId: null };
    },
    async resubscribe(userId) {
      const user = await requireUser(userId);
      return view(user.unsubscribedAt === null ? user : await writeUser(user, { unsubscribedAt: null }));
    },
    async getUser(userId) {
      return view(await requireUser(userId));
    },
    unsubscribeUrl(userId, trackingId) {
      return unsubscribeUrl(config, signer.sign(trackingId ? { p: 'unsubscribe', u: userId, t: trackingId } : { p: 'unsubscribe', u: userId }));
    },
    async track(userId, input) {
      const parsed = parseInput(trackInputSchema, input);
      const rules = ruleSet(parsed.rules);
      seriesFor(parsed.condition, parsed.amazonOnly);
      const user = await requireUser(userId);
      const now = Date.now();
      const webhookUrl = parsed.channels.webhookUrl ?? '';
      const tracking: TrackingRecord = {
        trackingId: randomUUID(),
        userId,
        marketplace: parsed.marketplace,
        asin: parsed.asin,
        series: seriesFor(parsed.condition, parsed.amazonOnly)[0] ?? 'new',
        condition: parsed.condition,
        amazonOnly: parsed.amazonOnly,
        ...rules,
        emailEnabled: parsed.channels.email ?? true,
        webhookUrl,
        webhookSecret: webhookUrl ? randomBytes(24).toString('base64url') : '',
        baselineSeq: 0,
        createdAt: now,
        updatedAt: now,
        version: now,
        isDeleted: false,
      };
      // Catalog and schedule first: if that fails, no tracking exists without its crawl.
      await addProducts({ coordinator, clickhouse, source: 'tracking' }, new Map([[tracking.marketplace, [tracking.asin]]]));
      const { alerted, tracking: written } = await writeTrackingWithRules(deps, tracking, user, { isNew: true, now });
      await syncTrackerCount(written.marketplace, written.asin);
      log.info({ trackingId: written.trackingId, marketplace: written.marketplace, asin: written.asin, alerted }, 'tracking created');
      return { ...trackingView(written), alertedNow: alerted };
    },
    async updateTracking(userId, trackingId, patch) {
      const parsed = parseInput(trackingPatchSchema, patch);
      const current = await ownTracking(userId, trackingId);
      const condition = parsed.condition ?? current.condition;
      const amazonOnly = parsed.amazonOnly ?? current.amazonOnly;
      const series = seriesFor(condition, amazonOnly);
      const rules = parsed.rules ? ruleSet(parsed.rules) : pickRules(current);
      const webhookUrl = parsed.channels?.webhookUrl === undefined ? current.webhookUrl : (parsed.channels.webhookUrl ?? '');
      const now = Date.now();
      const next: TrackingRecord = {
        ...current,
        ...rules,
        condition,
        amazonOnly,
        series: series[0] ?? 'new',
        emailEnabled: parsed.channels?.email ?? current.emailEnabled,
        webhookUrl,
        webhookSecret: webhookUrl === '' ? '' : current.webhookSecret || randomBytes(24).toString('base64url'),
        updatedAt: now,
        version: Math.max(now, current.version + 1),
      };
      const rulesChanged = parsed.rules !== undefined || condition !== current.condition || amazonOnly !== current.amazonOnly;
      if (!rulesChanged) {
        await insertTrackings(clickhouse, [next]);
        return { ...trackingView(next), alertedNow: false };
      }
      const { alerted, tracking: written } = await writeTrackingWithRules(deps, next, await requireUser(userId), { isNew: false, now });
      return { ...trackingView(written), alertedNow: alerted };
    },
    async deleteTracking(userId, trackingId) {
      const current = await ownTracking(userId, trackingId);
      await insertTrackings(clickhouse, [{ ...current, isDeleted: true, updatedAt: Date.now(), version: Math.max(Date.now(), current.version + 1) }]);
      await syncTrackerCount(current.marketplace, current.asin);
      log.info({ trackingId }, 'tracking deleted');
    },
    async getTracking(userId, trackingId) {
      return trackingView(await ownTracking(userId, trackingId));
    },
    async listTrackings(userId, page = {}) {
      await requireUser(userId);
      const { limit, offset } = pageOf(page);
      const { total, trackings } = await trackingsOfUser(clickhouse, { userId, limit, offset });
      const health = await channelHealth(clickhouse, trackings.map((t) => t.trackingId));
      const byMarketplace = new Map<MarketplaceCode, TrackingRecord[]>();
      for (const t of trackings) byMarketplace.set(t.marketplace, [...(byMarketplace.get(t.marketplace) ?? []), t]);
      const latest = new Map<string, Awaited<ReturnType<typeof latestSeriesPrices>>>();
      const lastAlerts = new Map<string, { at: number; price: number | null }>();
      for (const [marketplace, list] of byMarketplace) {
        for (const row of await latestSeriesPrices(clickhouse, { marketplace, asins: list.map((t) => t.asin) })) {
          const k = `${marketplace}:${row.asin}`;
          latest.set(k, [...(latest.get(k) ?? []), row]);
        }
        const last = await lastAlertsOfTrackings(clickhouse, { marketplace, trackingIds: list.map((t) => t.trackingId), upTo: Number.MAX_SAFE_INTEGER });
        for (const [id, a] of last) lastAlerts.set(id, { at: a.createdAt, price: a.price });
      }
      const items = trackings.map((t): TrackingListItem => {
        const series = seriesFor(t.condition, t.amazonOnly);
        const rows = (latest.get(`${t.marketplace}:${t.asin}`) ?? []).filter((r) => series.includes(r.series));
        const current = effectivePrice(new Map(rows.map((r) => [r.series, r.price])), series);
        const row = rows.find((r) => r.series === current.series);
        return {
          ...trackingView(t),
          latestPrice: row ? { price: current.price, series: current.series, currency: row.currency, checkedAt: Math.max(...rows.map((r) => r.checkedAt)) } : null,
          channelHealth: health.filter((h) => h.trackingId === t.trackingId).map(({ trackingId: _, ...h }) => h),
          lastAlert: lastAlerts.get(t.trackingId) ?? null,
        };
      });
      return { total, items };
    },
    async listAlerts(userId, page = {}) {
      await requireUser(userId);
      return alertsOfUser(clickhouse, { userId, ...pageOf(page) });
    },
    close() {
      ownMailer?.close();
      return Promise.resolve();
    },
  };
}

function view(user: UserRecord): UserView {
  return { userId: user.userId, email: user.email, verified: user.verifiedAt !== null, unsubscribed: user.unsubscribedAt !== null, createdAt: user.createdAt };
}

function pickRules(t: TrackingRecord): RuleSet {
  return { targetPrice: t.targetPrice, dropPercent: t.dropPercent, dropAmount: t.dropAmount, allTimeLow: t.allTimeLow, backInStock: t.backInStock };
}

/** The owner's view of a tracking. */
export function trackingView(t: TrackingRecord): TrackingView {
  return {
    trackingId: t.trackingId,
    userId: t.userId,
    marketplace: t.marketplace,
    asin: t.asin,
    condition: t.condition,
    amazonOnly: t.amazonOnly,
    series: seriesFor(t.condition, t.amazonOnly),
    rules: pickRules(t),
    channels: { email: t.emailEnabled, webhookUrl: t.webhookUrl || null, webhookSecret: t.webhookSecret || null },
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

function pageOf(page: { limit?: number; offset?: number }): { limit: number; offset: number } {
  const limit = page.limit ?? 50;
  const offset = page.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InvalidInputError(`limit must be 1-${MAX_PAGE}`, [`limit: must be an integer 1-${MAX_PAGE}`]);
  if (!Number.isInteger(offset) || offset < 0 || offset > 1_000_000) throw new InvalidInputError('offset must be 0-1000000', ['offset: must be an integer 0-1000000']);
  return { limit, offset };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertUuid(value: string, field: string): void {
  if (typeof value !== 'string' || !UUID.test(value)) throw new InvalidInputError(`${field} is not an id`, [`${field}: not a UUID`]);
}

/** A version-4-shaped UUID from a hash of `seed`. */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
