/**
 * What a check does with what it fetched, the same for the HTTP and the browser crawler: decode and
 * classify the answer (a robot check — whatever its status — cools the proxy and retries the check
 * elsewhere; an error page fails or retries it), fetch the offers fragment under the rate limits,
 * and hand the finished check (or its failure) to the settle buffer.
 */
import type { Session } from '@crawlee/core';
import type { Logger } from 'pino';
import { type Config, type MarketplaceCode, offersUrl } from '../config/index.js';
import type { ParsedOffers, ParsedPage, ProductPage } from '../parser/index.js';
import { type CheckContext, failureEntry, successEntry } from './check-record.js';
import type { FetchKind, CrawlerMetrics } from './crawler-metrics.js';
import { BlockedError, type CheckFailure, PageParseError, ProductGoneError, ProxyUnavailableError, RobotCheckError, StorefrontError } from './errors.js';
import type { CheckData } from './lease-request-manager.js';
import type { PageReader } from './page-reader.js';
import type { ProxyPool } from './proxy-pool.js';
import { redactCredentialsInText } from './proxy-url.js';
import { ProxyCoolingError, type RateLimiter } from './rate-limiter.js';
import type { SessionProxies } from './session-proxies.js';
import type { SettleBuffer } from './settle-buffer.js';

/** Offer fragment pages read at most per check (10 offers each; products rarely have more). */
export const MAX_OFFER_PAGES = 3;

/** A response as a check sees it. */
export interface Fetched {
  readonly status: number;
  /** `Content-Encoding` of `body` (the HTTP crawler reads raw bytes); undefined: already decoded. */
  readonly encoding: string | string[] | undefined;
  readonly body: Buffer | string;
  /** The storefront's request id (`x-amz-rid`), when sent. */
  readonly requestId: string | null;
  /** The body's memory may be handed to a reader thread (never touched again here). */
  readonly movable?: boolean;
}

/** Sends one request of a check (through the session's proxy, with its cookies). */
export type FetchFn = (url: string, kind: FetchKind) => Promise<Fetched>;

export interface CheckRunnerOptions {
  marketplace: MarketplaceCode;
  config: Pick<Config, 'crawler' | 'marketplaces'>;
  crawlerId: string;
  pool: ProxyPool;
  limiter: RateLimiter;
  sessions: SessionProxies;
  settle: SettleBuffer;
  metrics: CrawlerMetrics;
  /** Decodes and parses bodies (on worker threads). */
  reader: PageReader;
  logger: Logger;
}

export interface CheckRunner {
  /** Waits for a request slot of the session's proxy; throws if the proxy became unusable meanwhile. */
  acquire(session: Session | undefined, signal?: AbortSignal): Promise<string>;
  /** Reads a product page answer; throws the error that says what happens next when it is not a product. */
  readProduct(data: CheckData, session: Session | undefined, page: Fetched, url: string): Promise<ProductPage>;
  /** The same for a page already parsed (read off the wire by the page reader). */
  productFrom(session: Session | undefined, parsed: ParsedPage, status: number): Promise<ProductPage>;
  /** Throws when an answer is a robot check or a block (cooling the proxy); anything else passes. */
  screen(session: Session | undefined, answer: Fetched, url: string): Promise<void>;
  /** Fetches and reads the offer fragment pages of the check's product. */
  readOffers(data: CheckData, session: Session | undefined, fetch: FetchFn): Promise<ParsedOffers>;
  /** Records a finished check. */
  succeed(
    data: CheckData,
    session: Session | undefined,
    page: ProductPage,
    offers: ParsedOffers | null,
    meta: { checkedAt: number; status: number; requestIds: readonly string[]; sentAt: number },
  ): Promise<void>;
  /** Records a failed check (an outcome row, no price). */
  fail(data: CheckData, failure: Exclude<CheckFailure, { kind: 'hand_back' }>, err: unknown, status: number | null): void;
}

export function createCheckRunner(options: CheckRunnerOptions): CheckRunner {
  const { marketplace, config, crawlerId, pool, limiter, sessions, settle, metrics, reader } = options;
  const log = options.logger.child({ component: 'check', marketplace });

  async function robotCheck(session: Session | undefined, proxyId: string): Promise<never> {
    metrics.captcha(marketplace);
    session?.retire();
    await pool.cool(proxyId, marketplace);
    throw new RobotCheckError();
  }

  /** Robot checks and blocks end the attempt here (cooling the proxy); error pages fail or retry it. */
  async function classify(session: Session | undefined, proxyId: string, parsed: ParsedPage, status: number, kind: FetchKind): Promise<void> {
    if (parsed.kind === 'captcha') await robotCheck(session, proxyId);
    if (parsed.kind === 'unknown' && (status === 403 || status === 429)) {
      session?.retire();
      await pool.cool(proxyId, marketplace);
      throw new BlockedError(status);
    }
    if (parsed.kind === 'error') {
      if (parsed.errorKind === 'not_found' && kind === 'page') throw new ProductGoneError();
      throw new StorefrontError(status);
    }
  }

  const input = (answer: Fetched, url: string) => ({ body: answer.body, encoding: answer.encoding, marketplace, statusCode: answer.status, url, movable: answer.movable });

  const ctxOf = (data: CheckData, checkedAt: number, status: number | null): CheckContext => ({
    marketplace,
    asin: data.asin,
    checkId: data.checkId,
    previous: data.previous,
    crawlerId,
    checkedAt,
    durationMs: Date.now() - (data.startedAt || Date.now()),
    bytes: data.bytes,
    httpStatus: status,
  });

  return {
    async acquire(session, signal) {
      sessions.ensureUsable(session);
      const proxyId = sessions.proxyOf(session);
      try {
        await limiter.acquire(marketplace, proxyId, { signal });
      } catch (err) {
        if (!(err instanceof ProxyCoolingError)) throw err;
        pool.observeCooling(proxyId, marketplace, err.until);
        // Throws: HandBackError when no proxy is usable here, else ProxyUnavailableError (another session).
        sessions.ensureUsable(session);
        session?.retire();
        throw new ProxyUnavailableError();
      }
      // It may have been cooled (here or on another node) while this request waited.
      if (!pool.usable(proxyId, marketplace)) {
        session?.retire();
        throw new ProxyUnavailableError();
      }
      return proxyId;
    },

    async readProduct(_data, session, answer, url) {
      return this.productFrom(session, await reader.page(input(answer, url)), answer.status);
    },

    async productFrom(session, parsed, status) {
      await classify(session, sessions.proxyOf(session), parsed, status, 'page');
      if (parsed.kind !== 'product') throw new PageParseError(`expected a product page, got ${parsed.kind === 'unknown' ? `unknown (${parsed.reason})` : parsed.kind}`);
      return parsed;
    },

    async screen(session, answer, url) {
      const proxyId = sessions.proxyOf(session);
      const parsed = await reader.page(input(answer, url));
      if (parsed.kind === 'captcha' || parsed.kind === 'unknown') await classify(session, proxyId, parsed, answer.status, 'location');
    },

    async readOffers(data, session, fetch) {
      const proxyId = sessions.proxyOf(session);
      const offers: ParsedOffers['offers'][number][] = [];
      let first: ParsedOffers | undefined;
      for (let page = 1; page <= MAX_OFFER_PAGES; page++) {
        const url = offersUrl(config, marketplace, data.asin, page);
        const answer = await fetch(url, 'offers');
        const reading = await reader.offers(input(answer, url));
        let parsed: ParsedOffers;
        if (reading.kind === 'offers') parsed = reading.offers;
        else {
          // Not an offer list: a robot check or an error page ends the attempt; anything else means no offers.
          await classify(session, proxyId, reading.page, answer.status, 'offers');
          parsed = { marketplace, currency: reading.page.currency, asin: data.asin, source: 'aod', offers: [], totalCount: 0 };
        }
        first ??= parsed;
        offers.push(...parsed.offers);
        if (parsed.offers.length === 0 || (parsed.totalCount ?? 0) <= offers.length) break;
      }
      return { ...first!, offers };
    },

    async succeed(data, session, page, offers, meta) {
      const entry = successEntry(ctxOf(data, meta.checkedAt, meta.status), page, offers, meta.requestIds);
      settle.add(data.leaseId, entry);
      try {
        await pool.succeeded(sessions.proxyOf(session), marketplace, meta.sentAt);
      } catch (err) {
        log.debug({ err }, 'clearing proxy strikes failed');
      }
    },

    fail(data, failure, err, status) {
      const detail = err instanceof Error ? `${err.name}: ${redactCredentialsInText(err.message)}` : 'failed';
      log.debug({ asin: data.asin, kind: failure.kind, detail }, 'check failed');
      settle.add(data.leaseId, failureEntry(ctxOf(data, Date.now(), status), failure.kind, detail));
    },
  };
}
