/**
 * What a crawler node and the coordinator exchange through Redis: a leased batch of ASINs of one
 * marketplace (with the previous price of every series, so each observation can carry it), and the
 * result of each check (acknowledged with its prices, or failed with a reason).
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { ASIN_PATTERN, SERIES, type Series } from './price-observation.js';

const marketplace = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]);
const asin = z.string().regex(ASIN_PATTERN);
const epochMs = z.number().int().positive();
const minorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The last observation of one series: its price (null: no offer then) and when it was seen, epoch ms. */
export const previousPriceSchema = z.strictObject({ price: minorUnits.nullable(), checkedAt: epochMs });
export type PreviousPrice = z.infer<typeof previousPriceSchema>;

/** Per series, the last observation; a series never seen is absent. */
export const previousPricesSchema = z.partialRecord(z.enum(SERIES), previousPriceSchema);
export type PreviousPrices = Partial<Record<Series, PreviousPrice>>;

/** One ASIN of a leased batch. */
export const leaseItemSchema = z.strictObject({
  asin,
  /** Unique id of this check (one per leased ASIN per attempt): put it on every row the check produces. */
  checkId: z.string().min(1).max(200),
  /** The previous observation of each series: becomes `previousPrice`/`previousCheckedAt` of the observations. */
  previous: previousPricesSchema,
});
export type LeaseItem = z.infer<typeof leaseItemSchema>;

/** A batch of ASINs of one marketplace that belongs to one worker until `deadline`. */
export const leaseBatchSchema = z.strictObject({
  leaseId: z.string().min(1).max(200),
  marketplace,
  workerId: z.string().min(1).max(200),
  /** Epoch ms (Redis server clock) after which the lease is lost and its unsettled ASINs return to the schedule. */
  deadline: epochMs,
  items: z.array(leaseItemSchema),
});
export type LeaseBatch = z.infer<typeof leaseBatchSchema>;

/** What a worker asks for. */
export interface LeaseRequest {
  readonly marketplace: MarketplaceCode;
  /** The worker (crawler node) id; must be stable for the life of the process. */
  readonly workerId: string;
  /** Most ASINs to lease; default config `coordinator.batchSize`. */
  readonly max?: number;
  /** Lease length, ms; default config `coordinator.leaseMs`. */
  readonly leaseMs?: number;
}

/**
 * The answer to a lease request. Only `batch` carries work; every other kind says how long waiting
 * makes sense:
 * - `nothing_due`: nothing is due; `nextDueAt` is when the earliest ASIN is (null: schedule empty)
 * - `paused`: the marketplace is paused by an operator
 * - `back_pressure`: the ingestion stream is full (`streamLength` ≥ `maxStreamLength`); wait for the ingester
 * - `draining`: this worker was told to drain: stop leasing, finish or hand back, exit
 */
export type LeaseResult =
  | { readonly kind: 'batch'; readonly batch: LeaseBatch }
  | { readonly kind: 'nothing_due'; readonly nextDueAt: number | null }
  | { readonly kind: 'paused' }
  | { readonly kind: 'back_pressure'; readonly streamLength: number; readonly maxStreamLength: number }
  | { readonly kind: 'draining' };

/** Why a check failed. captcha/blocked are not the product's fault; not_found retires the product. */
export const FAILURE_KINDS = [
  'captcha',
  'blocked',
  'timeout',
  'network_error',
  'parse_failure',
  'not_found',
  'http_error',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The prices one successful check saw, per series: a number (minor units), null (no offer), or absent (not looked at). */
export type SeriesPrices = Partial<Record<Series, number | null>>;

/** The result of one leased check. */
export type CheckResult =
  | {
      readonly asin: string;
      readonly outcome: 'ok';
      /** When the page was fetched, epoch ms. */
      readonly checkedAt: number;
      readonly prices: SeriesPrices;
    }
  | { readonly asin: string; readonly outcome: FailureKind };

export const checkResultSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    asin,
    outcome: z.literal('ok'),
    checkedAt: epochMs,
    prices: z.partialRecord(z.enum(SERIES), minorUnits.nullable()),
  }),
  z.strictObject({ asin, outcome: z.enum(FAILURE_KINDS) }),
]);

/**
 * The result of settling (acknowledging or failing) checks of one lease.
 * - `recorded`: the checks in `recorded` were applied and the envelope (if any) appended as stream
 *   entry `streamId`; the ASINs in `dropped` were no longer held by this lease (settled twice,
 *   handed back, removed) and nothing of theirs was recorded
 * - `lease_lost`: the lease expired or is unknown: nothing was recorded; drop the results
 */
export type SettleResult =
  | {
      readonly kind: 'recorded';
      readonly recorded: readonly string[];
      readonly dropped: readonly string[];
      readonly streamId: string | null;
    }
  | { readonly kind: 'lease_lost'; readonly reason: 'expired' | 'unknown'; readonly dropped: readonly string[] };
