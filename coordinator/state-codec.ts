/**
 * The packed per-ASIN state the scripts keep in bucket hashes (format in lib.lua): decoding it for
 * leases and status, encoding it when the schedule is rebuilt, and the price arguments of settle.
 * One hash field per ASIN in 65,536 small hashes stays in Redis's compact listpack encoding: about
 * 70 bytes per ASIN against ~170 for a hash per ASIN (docs/coordinator.md).
 */
import { SERIES, type PreviousPrices, type SeriesPrices, type Series } from '../contracts/index.js';

/** Number of state buckets per marketplace; must match BUCKETS in lib.lua. */
export const STATE_BUCKETS = 65_536;

/** The bucket of an ASIN; must match bucket_of() in lib.lua. */
export function stateBucket(asin: string): number {
  let h = 0;
  for (let i = 0; i < asin.length; i++) h = (h * 31 + asin.charCodeAt(i)) % STATE_BUCKETS;
  return h;
}

/** What the coordinator knows about one ASIN. */
export interface ProductState {
  readonly trackers: number;
  /** Consecutive failures that were the product's fault. */
  readonly failures: number;
  /** Smoothed share of checks that saw a price change, 0..1000. */
  readonly volatility: number;
  /** Last successful check, epoch ms; null: never checked. */
  readonly lastCheckedAt: number | null;
  readonly previous: PreviousPrices;
}

/** Decodes a packed state ('' → a fresh product). */
export function decodeState(raw: string): ProductState {
  if (raw === '') return { trackers: 0, failures: 0, volatility: 0, lastCheckedAt: null, previous: {} };
  const f = raw.split('|');
  const last = Number(f[3] ?? '0');
  const previous: PreviousPrices = {};
  for (let i = 0; i < SERIES.length; i++) {
    const v = f[4 + i];
    if (!v) continue;
    const at = v.indexOf('@');
    const price = at === -1 ? v : v.slice(0, at);
    const checkedAt = at === -1 ? last : Number(v.slice(at + 1));
    if (!checkedAt) continue;
    previous[SERIES[i] as Series] = { price: price === '-' ? null : Number(price), checkedAt };
  }
  return {
    trackers: Number(f[0] ?? '0'),
    failures: Number(f[1] ?? '0'),
    volatility: Number(f[2] ?? '0'),
    lastCheckedAt: last > 0 ? last : null,
    previous,
  };
}

/** Encodes a state (rebuild from the store of record). */
export function encodeState(state: Omit<ProductState, 'lastCheckedAt'>): string {
  let last = 0;
  for (const p of Object.values(state.previous)) if (p && p.checkedAt > last) last = p.checkedAt;
  const prices = SERIES.map((s) => {
    const p = state.previous[s];
    if (!p) return '';
    const v = p.price === null ? '-' : String(p.price);
    return p.checkedAt === last ? v : `${v}@${p.checkedAt}`;
  });
  return [state.trackers, state.failures, state.volatility, last, ...prices].join('|');
}

/** The 7 price fields of one check for settle.lua, in SERIES order, joined by '|'. */
export function packedPrices(prices: SeriesPrices | undefined): string {
  if (!prices) return '||||||';
  let out = '';
  for (let i = 0; i < SERIES.length; i++) {
    const v = prices[SERIES[i] as Series];
    if (i > 0) out += '|';
    if (v !== undefined) out += v === null ? '-' : String(v);
  }
  return out;
}
