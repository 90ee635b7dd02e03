/**
 * The operations that keep the catalog (ClickHouse, the store of record) and the schedule (Redis)
 * together: add and remove products, record retirements found by checks, and rebuild the schedule
 * from the catalog when Redis lost it. The catalog is written first: a failure there changes nothing
 * in Redis, and the schedule can always be rebuilt from the catalog.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import type { PreviousPrices } from '../contracts/index.js';
import {
  type CatalogEntry,
  type CatalogState,
  catalogEntries,
  streamCatalog,
  streamLastSeriesPrices,
  trackerCounts,
  upsertCatalog,
} from '../storage/index.js';
import type { CoordinatorClient, ScheduleEntry } from './coordinator-client.js';
import { encodeState } from './state-codec.js';

export interface CatalogAdminOptions {
  coordinator: CoordinatorClient;
  clickhouse: ClickHouseClient;
  /** Recorded as the catalog rows' source; default `admin`. */
  source?: string;
}

/** What adding products did, per marketplace. */
export interface AddResult {
  readonly marketplace: MarketplaceCode;
  /** Products that were not tracked before (new, removed or retired). */
  readonly added: number;
  /** Products already tracked (nothing changed). */
  readonly alreadyTracked: number;
  /** Products put (back) on the schedule. */
  readonly scheduled: number;
}

/** What removing products did, per marketplace. */
export interface RemoveResult {
  readonly marketplace: MarketplaceCode;
  readonly removed: number;
  readonly notTracked: number;
}

const CHUNK = 10_000;

async function writeStates(
  clickhouse: ClickHouseClient,
  marketplace: MarketplaceCode,
  asins: readonly string[],
  state: CatalogState,
  source: string,
  { only }: { only: (existing: CatalogEntry | undefined) => boolean },
): Promise<number> {
  const existing = new Map((await catalogEntries(clickhouse, { marketplace, asins })).map((e) => [e.asin, e]));
  const now = Date.now();
  const rows: CatalogEntry[] = [];
  for (const asin of asins) {
    const e = existing.get(asin);
    if (!only(e)) continue;
    // A higher version wins; never reuse one, even for two changes within a millisecond.
    rows.push({ marketplace, asin, state, addedAt: e?.addedAt ?? now, source: e?.source ?? source, version: Math.max(now, (e?.version ?? 0) + 1) });
  }
  if (rows.length > 0) await upsertCatalog(clickhouse, rows);
  return rows.length;
}

/** Tracks products: catalog rows `active`, then on the schedule (due now). Adding twice changes nothing. */
export async function addProducts(options: CatalogAdminOptions, byMarketplace: ReadonlyMap<MarketplaceCode, readonly string[]>): Promise<AddResult[]> {
  const results: AddResult[] = [];
  for (const [marketplace, asins] of byMarketplace) {
    let added = 0;
    let scheduled = 0;
    for (let i = 0; i < asins.length; i += CHUNK) {
      const chunk = asins.slice(i, i + CHUNK);
      added += await writeStates(options.clickhouse, marketplace, chunk, 'active', options.source ?? 'admin', {
        only: (e) => e === undefined || e.state !== 'active',
      });
      scheduled += (await options.coordinator.schedule(marketplace, chunk)).added;
    }
    results.push({ marketplace, added, alreadyTracked: asins.length - added, scheduled });
  }
  return results;
}

/** Stops tracking products: catalog rows `removed`, then off the schedule. */
export async function removeProducts(options: CatalogAdminOptions, byMarketplace: ReadonlyMap<MarketplaceCode, readonly string[]>): Promise<RemoveResult[]> {
  const results: RemoveResult[] = [];
  for (const [marketplace, asins] of byMarketplace) {
    let removed = 0;
    for (let i = 0; i < asins.length; i += CHUNK) {
      const chunk = asins.slice(i, i + CHUNK);
      removed += await writeStates(options.clickhouse, marketplace, chunk, 'removed', options.source ?? 'admin', {
        only: (e) => e !== undefined && e.state !== 'removed',
      });
      await options.coordinator.unschedule(marketplace, chunk);
    }
    results.push({ marketplace, removed, notTracked: asins.length - removed });
  }
  return results;
}

/** Records in the catalog the products that checks found gone (not_found), then forgets them in Redis. */
export async function recordRetirements(options: CatalogAdminOptions, marketplace: MarketplaceCode): Promise<number> {
  let total = 0;
  for (;;) {
    const asins = await options.coordinator.pendingRetirements(marketplace, 1_000);
    if (asins.length === 0) return total;
    await writeStates(options.clickhouse, marketplace, asins, 'retired', 'crawler', { only: (e) => e === undefined || e.state === 'active' || e.state === 'paused' });
    await options.coordinator.clearRetirements(marketplace, asins);
    total += asins.length;
  }
}

/** What a rebuild did in one marketplace. */
export interface RebuildResult {
  readonly marketplace: MarketplaceCode;
  /** Active catalog products put on the schedule (they were missing in Redis). */
  readonly scheduled: number;
  /** Active catalog products Redis still had (left as they were). */
  readonly existing: number;
  /** Of the scheduled, those whose last prices came back from price history. */
  readonly withPrices: number;
  readonly retired: number;
}

export interface RebuildOptions extends CatalogAdminOptions {
  /** Only these marketplaces; default all. */
  marketplaces?: readonly MarketplaceCode[];
}

/**
 * Rebuilds the schedule from ClickHouse: every active catalog product missing in Redis goes back on
 * the schedule with its last price per series (from price_latest) and its tracker count; products
 * checked in the last `minIntervalMs` wait until that interval has passed, the rest are due now.
 * Retired products go back to the retired set. Products Redis still has are left as they are.
 */
export async function rebuildSchedule(options: RebuildOptions): Promise<RebuildResult[]> {
  const results: RebuildResult[] = [];
  const minIntervalMs = options.coordinator.policy.minIntervalMs;
  for (const marketplace of options.marketplaces ?? MARKETPLACE_CODES) {
    const active: string[] = [];
    const retired: string[] = [];
    for await (const e of streamCatalog(options.clickhouse, { marketplaces: [marketplace], states: ['active', 'paused', 'retired'] })) {
      (e.state === 'retired' ? retired : active).push(e.asin);
    }
    if (active.length === 0 && retired.length === 0) continue;
    const wanted = new Set(active);
    const previous = new Map<string, PreviousPrices>();
    for await (const p of streamLastSeriesPrices(options.clickhouse, marketplace)) {
      if (!wanted.has(p.asin)) continue;
      let prices = previous.get(p.asin);
      if (!prices) previous.set(p.asin, (prices = {}));
      prices[p.series] = { price: p.price, checkedAt: p.checkedAt };
    }
    const trackers = await trackerCounts(options.clickhouse, marketplace);
    const now = Date.now();
    const entries: ScheduleEntry[] = active.map((asin) => {
      const prices = previous.get(asin) ?? {};
      const last = Math.max(0, ...Object.values(prices).map((p) => p.checkedAt));
      return {
        asin,
        state: encodeState({ trackers: trackers.get(asin) ?? 0, failures: 0, volatility: 0, previous: prices }),
        dueAt: Math.max(now, last + minIntervalMs),
      };
    });
    let scheduled = 0;
    let existing = 0;
    for (let i = 0; i < entries.length; i += CHUNK) {
      const r = await options.coordinator.schedule(marketplace, entries.slice(i, i + CHUNK));
      scheduled += r.added;
      existing += r.existing;
    }
    await options.coordinator.retire(marketplace, retired);
    results.push({ marketplace, scheduled, existing, withPrices: previous.size, retired: retired.length });
  }
  return results;
}
