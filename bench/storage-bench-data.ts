/**
 * Synthetic, realistic price series for `dromedary bench storage`: each ASIN has a few series (new
 * always; Amazon, third-party, used, … with their usual frequencies), is checked every 1–6 hours,
 * keeps its price most of the time, moves by 2–25 % now and then, sometimes runs out of stock, and
 * every observation carries the previous price and check time of its series. Observations come out
 * in time order, as crawlers would produce them.
 */
import type { PriceObservation, Series } from '../contracts/index.js';
import { SERIES_CONDITION } from '../contracts/index.js';

const SERIES_ODDS: readonly (readonly [Series, number])[] = [
  ['new', 1],
  ['amazon', 0.5],
  ['new_3p', 0.6],
  ['used', 0.4],
  ['warehouse', 0.1],
  ['refurbished', 0.05],
  ['collectible', 0.02],
];

interface SeriesState {
  series: Series;
  price: number | null;
  lastPrice: number;
  previousPrice: number | null;
  previousCheckedAt: number | null;
  offerCount: number;
}

interface ProductState {
  asin: string;
  listPrice: number | null;
  intervalMs: number;
  nextAt: number;
  series: SeriesState[];
}

/** A small, fast, seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  asins: number;
  /** Observations to produce in total. */
  points: number;
  seed?: number;
  /** A prefix making these ASINs distinct from another run's (one character). */
  asinPrefix?: string;
  /** Latest check time, epoch ms; default now. */
  endAt?: number;
}

/** Yields checks (the observations of one product at one time) until `points` observations were produced. */
export function* syntheticChecks(options: SyntheticOptions): Generator<PriceObservation[]> {
  const rnd = random(options.seed ?? 1);
  const crawlers = Array.from({ length: 8 }, (_, i) => `crawler-${i + 1}`);
  const products: ProductState[] = [];
  const avgSeries = SERIES_ODDS.reduce((s, [, p]) => s + p, 0);
  const checksPerAsin = Math.ceil(options.points / options.asins / avgSeries) + 1;
  const endAt = options.endAt ?? Date.now();
  const startAt = endAt - checksPerAsin * 3.5 * 3_600_000;
  for (let i = 0; i < options.asins; i++) {
    const base = Math.round(Math.exp(Math.log(300) + rnd() * Math.log(300))) * 100 - 1;
    const series: SeriesState[] = [];
    for (const [s, odds] of SERIES_ODDS) {
      if (rnd() >= odds) continue;
      const price = Math.round(base * (SERIES_CONDITION[s] === 'new' ? 1 + (rnd() - 0.5) * 0.1 : 0.6 + rnd() * 0.2));
      series.push({ series: s, price, lastPrice: price, previousPrice: null, previousCheckedAt: null, offerCount: 1 + Math.floor(rnd() * 12) });
    }
    const intervalMs = Math.round((1 + rnd() * 5) * 3_600_000);
    products.push({
      asin: `${options.asinPrefix ?? 'B'}${i.toString(36).toUpperCase().padStart(9, '0')}`,
      listPrice: rnd() < 0.5 ? Math.round(base * 1.25) : null,
      intervalMs,
      nextAt: startAt + Math.floor(rnd() * intervalMs),
      series,
    });
  }
  let produced = 0;
  let checkNo = 0;
  // Round-robin in rounds approximates time order closely enough and keeps generation O(1) per check.
  while (produced < options.points) {
    for (const p of products) {
      const checkedAt = p.nextAt + Math.floor(rnd() * 120_000);
      p.nextAt += p.intervalMs;
      const crawlerId = crawlers[Math.floor(rnd() * crawlers.length)] as string;
      const checkId = `${crawlerId}-${++checkNo}`;
      const check: PriceObservation[] = [];
      for (const s of p.series) {
        const r = rnd();
        if (r < 0.03 && s.price !== null) s.price = Math.max(99, Math.round(s.price * (0.75 + rnd() * 0.5)));
        else if (r < 0.04) s.price = s.price === null ? s.lastPrice : null;
        if (s.price !== null) s.lastPrice = s.price;
        if (rnd() < 0.05) s.offerCount = Math.max(1, s.offerCount + (rnd() < 0.5 ? -1 : 1));
        const condition = SERIES_CONDITION[s.series];
        check.push({
          marketplace: 'us',
          asin: p.asin,
          series: s.series,
          condition,
          sellerKind: s.series === 'amazon' ? 'amazon' : s.series === 'warehouse' ? 'warehouse' : s.series === 'new' ? 'amazon' : 'third_party',
          price: s.price,
          previousPrice: s.previousPrice,
          previousCheckedAt: s.previousCheckedAt,
          currency: 'USD',
          listPrice: condition === 'new' ? p.listPrice : null,
          isBuyBox: s.series === 'new',
          availability: s.price === null ? 'out_of_stock' : 'in_stock',
          offerCount: s.price === null ? 0 : s.offerCount,
          checkedAt,
          crawlerId,
          checkId,
        });
        s.previousPrice = s.price;
        s.previousCheckedAt = checkedAt;
      }
      produced += check.length;
      yield check;
      if (produced >= options.points) return;
    }
  }
}
