/** Derives the checks a crawler settles from the envelope it appends, and narrows an envelope to some ASINs. */
import type { CheckResult, FailureKind, IngestEnvelope, SeriesPrices } from '../contracts/index.js';

/**
 * One check per outcome row of `envelope`: an `ok` outcome takes the prices of that ASIN's
 * observations (checkedAt from the outcome); any other outcome is a failure of that kind.
 */
export function checksFromEnvelope(envelope: IngestEnvelope): CheckResult[] {
  const prices = new Map<string, SeriesPrices>();
  for (const o of envelope.observations) {
    let p = prices.get(o.asin);
    if (!p) prices.set(o.asin, (p = {}));
    p[o.series] = o.price;
  }
  return envelope.outcomes.map((o): CheckResult =>
    o.outcome === 'ok'
      ? { asin: o.asin, outcome: 'ok', checkedAt: o.checkedAt, prices: prices.get(o.asin) ?? {} }
      : { asin: o.asin, outcome: o.outcome satisfies FailureKind },
  );
}

/** The part of `envelope` about the ASINs in `keep`. */
export function restrictEnvelope(envelope: IngestEnvelope, keep: ReadonlySet<string>): IngestEnvelope {
  return {
    v: envelope.v,
    observations: envelope.observations.filter((o) => keep.has(o.asin)),
    outcomes: envelope.outcomes.filter((o) => keep.has(o.asin)),
    products: envelope.products.filter((o) => keep.has(o.asin)),
  };
}
