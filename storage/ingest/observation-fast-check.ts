/**
 * A fast check of price observations for the ingester's hot path (zod costs ~1.3 µs per observation,
 * a large share of ingestion at hundreds of thousands of points per second). It accepts exactly what
 * `priceObservationSchema` accepts — the contract stays the one definition: this module fails at load
 * if the schema has a field it has no rule for, a test compares both on many mutated observations,
 * and anything this check rejects is run through zod, which gives the reason.
 */
import { MARKETPLACE_CODES } from '../../config/index.js';
import { ASIN_PATTERN, AVAILABILITIES, CONDITIONS, SELLER_KINDS, SERIES, priceObservationSchema } from '../../contracts/index.js';

const oneOf = (values: readonly string[]): ((v: unknown) => boolean) => {
  const set = new Set(values);
  return (v) => typeof v === 'string' && set.has(v);
};
const minorUnits = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const nullableMinorUnits = (v: unknown): boolean => v === null || minorUnits(v);
const epochMs = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const id = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 200;
const CURRENCY = /^[A-Z]{3}$/;

const RULES: Readonly<Record<string, (v: unknown) => boolean>> = {
  marketplace: oneOf(MARKETPLACE_CODES),
  asin: (v) => typeof v === 'string' && ASIN_PATTERN.test(v),
  series: oneOf(SERIES),
  condition: oneOf(CONDITIONS),
  sellerKind: oneOf(SELLER_KINDS),
  price: nullableMinorUnits,
  previousPrice: nullableMinorUnits,
  previousCheckedAt: (v) => v === null || epochMs(v),
  currency: (v) => typeof v === 'string' && CURRENCY.test(v),
  listPrice: nullableMinorUnits,
  isBuyBox: (v) => typeof v === 'boolean',
  availability: oneOf(AVAILABILITIES),
  offerCount: (v) => v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0),
  checkedAt: epochMs,
  crawlerId: id,
  checkId: id,
};

const FIELDS = Object.keys(priceObservationSchema.shape);
for (const field of FIELDS) {
  if (!(field in RULES)) throw new Error(`observation-fast-check has no rule for contract field "${field}"`);
}
for (const field of Object.keys(RULES)) {
  if (!FIELDS.includes(field)) throw new Error(`observation-fast-check has a rule for "${field}", which the contract no longer has`);
}
const RULE_LIST = Object.entries(RULES);

/** True if `value` is a valid PriceObservation (same verdict as the zod schema, faster). */
export function isValidObservation(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  let keys = 0;
  for (const _ in record) keys++;
  if (keys !== RULE_LIST.length) return false;
  for (const [field, rule] of RULE_LIST) {
    if (!Object.hasOwn(record, field) || !rule(record[field])) return false;
  }
  return true;
}
