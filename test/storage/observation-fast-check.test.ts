import { describe, expect, it } from 'vitest';
import { priceObservationSchema } from '../../contracts/index.js';
import { isValidObservation } from './ingest-support.js';
import { observation } from './storage-fixtures.js';

/** Values that probe each rule's edges. */
const PROBES: unknown[] = [
  null, undefined, true, false, 0, -1, 1, 1.5, 2 ** 53, Number.NaN, Infinity, '', 'x', 'B0ABCDEFGH', 'b0abcdefgh', 'USD', 'usd', 'US',
  'new', 'used', 'amazon', 'third_party', 'in_stock', 'us', 'xx', 'a'.repeat(200), 'a'.repeat(201), [], {}, 1_700_000_000_000,
];

describe('the fast observation check', () => {
  it('gives the same verdict as the contract schema on every single-field change', () => {
    const base = observation({ asin: 'B0FASTAAA1', checkedAt: 1_700_000_000_000, previousPrice: 1500, previousCheckedAt: 1_699_990_000_000 });
    expect(isValidObservation(base)).toBe(true);
    let compared = 0;
    for (const field of [...Object.keys(base), 'extra']) {
      for (const value of PROBES) {
        const candidate: Record<string, unknown> = { ...base, [field]: value };
        if (value === undefined) delete candidate[field];
        expect(isValidObservation(candidate), `${field} = ${JSON.stringify(value)}`).toBe(priceObservationSchema.safeParse(candidate).success);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect(isValidObservation(null)).toBe(false);
    expect(isValidObservation([base])).toBe(false);
  });
});
