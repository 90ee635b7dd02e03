/**
 * A price observation: what one successful check saw for one series of one product. Crawler nodes
 * produce them, the ingester stores them as rows of the price-points table.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';

/**
 * The price series Dromedary keeps apart for every product, CamelCamelCamel/Keepa-style.
 * - `new`: the featured (buy-box) new price, else the lowest new offer — "the price" to most people
 * - `amazon`: new, sold by Amazon itself
 * - `new_3p`: the lowest new offer from a third-party seller
 * - `used`: the featured used offer, else the lowest used one
 * - `warehouse`: used, sold by Amazon's warehouse/resale arm
 * - `refurbished`: Renewed / refurbished
 * - `collectible`
 */
export const SERIES = ['new', 'amazon', 'new_3p', 'used', 'warehouse', 'refurbished', 'collectible'] as const;
export type Series = (typeof SERIES)[number];

/** Offer condition as Amazon labels it. */
export const CONDITIONS = ['new', 'used', 'refurbished', 'collectible'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Who sells an offer. FBA offers are `third_party`: the seller of record is not Amazon. */
export const SELLER_KINDS = ['amazon', 'third_party', 'warehouse', 'unknown'] as const;
export type SellerKind = (typeof SELLER_KINDS)[number];

export const AVAILABILITIES = ['in_stock', 'out_of_stock', 'unknown'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** The condition every series is of. */
export const SERIES_CONDITION: Readonly<Record<Series, Condition>> = Object.freeze({
  new: 'new',
  amazon: 'new',
  new_3p: 'new',
  used: 'used',
  warehouse: 'used',
  refurbished: 'refurbished',
  collectible: 'collectible',
});

export const ASIN_PATTERN = /^[A-Z0-9]{10}$/;

const marketplace = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]);
const minorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const epochMs = z.number().int().positive();

export const priceObservationSchema = z.strictObject({
  marketplace,
  asin: z.string().regex(ASIN_PATTERN),
  series: z.enum(SERIES),
  condition: z.enum(CONDITIONS),
  sellerKind: z.enum(SELLER_KINDS),
  /** Price in the currency's minor units (cents, pence; yen have none). Null: the series had no offer at this check. */
  price: minorUnits.nullable(),
  /** This series' price at its previous successful check (null: none then, or never seen). */
  previousPrice: minorUnits.nullable(),
  /** When this series was previously observed, epoch ms; null for its first observation. */
  previousCheckedAt: epochMs.nullable(),
  /** ISO 4217 code; always the marketplace's currency. */
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** The struck-through list price, minor units, where the page shows one. */
  listPrice: minorUnits.nullable(),
  /** This offer is the featured (buy-box) offer. */
  isBuyBox: z.boolean(),
  availability: z.enum(AVAILABILITIES),
  /** Offers of this condition the page or offer listing counted, where shown. */
  offerCount: z.number().int().nonnegative().nullable(),
  /** When the page was fetched, epoch ms. */
  checkedAt: epochMs,
  /** The crawler node that made the check. */
  crawlerId: z.string().min(1).max(200),
  /** Unique id of the check (one per leased ASIN per attempt); shared by all rows of one check. */
  checkId: z.string().min(1).max(200),
});

export type PriceObservation = z.infer<typeof priceObservationSchema>;
