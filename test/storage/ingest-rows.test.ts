/**
 * The price-point rows the ingester writes as bytes: every row must read back, as JSON, as exactly
 * the observation's values in the insert's column order, whatever the sequence number's width, and
 * giving prepared rows a sequence number must leave them as they were.
 */
import { describe, expect, it } from 'vitest';
import type { PriceObservation } from '../../contracts/index.js';
import { PRICE_POINT_COLUMNS, buildRows, prepareRows, withSequence } from '../../storage/ingest/ingest-rows.js';
import { envelopes, observation } from './storage-fixtures.js';

const T = 1_790_000_000_123;

function expectedRow(o: PriceObservation, seq: number): unknown[] {
  const secs = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));
  return [
    o.marketplace, o.asin, o.series, o.condition, o.sellerKind, o.price, o.previousPrice, secs(o.previousCheckedAt), o.currency,
    o.listPrice, o.isBuyBox, o.availability, o.offerCount, secs(o.checkedAt), o.crawlerId, seq,
  ];
}

function rowsOf(body: Buffer): unknown[][] {
  const text = body.toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown[]);
}

const observations: PriceObservation[] = [
  observation({ asin: 'B0ROWS0001', checkedAt: T, price: 0, previousPrice: null, previousCheckedAt: null, listPrice: 4_294_967_295, offerCount: 65_535 }),
  observation({
    asin: 'B0ROWS0002', checkedAt: T + 999, series: 'used', condition: 'used', sellerKind: 'third_party', price: null, previousPrice: 9,
    previousCheckedAt: T - 1, availability: 'out_of_stock', isBuyBox: false, offerCount: null, listPrice: null, crawlerId: 'nœud "7" \\ é ✓',
  }),
  observation({ asin: 'B0ROWS0003', checkedAt: 1_000, price: 10, previousPrice: 100, previousCheckedAt: 1, listPrice: 1, offerCount: 10 }),
];

describe('price-point rows', () => {
  it('read back as the observations, in column order, for sequence numbers of any width', () => {
    expect(expectedRow(observations[0] as PriceObservation, 1)).toHaveLength(PRICE_POINT_COLUMNS.length);
    for (const seq of [0, 7, 123_456, 4_294_967_296, Number.MAX_SAFE_INTEGER]) {
      const rows = buildRows(envelopes(observations, 2), seq);
      expect(rows.pointCount).toBe(observations.length);
      expect(rowsOf(rows.points)).toEqual(observations.map((o) => expectedRow(o, seq)));
    }
  });

  it('take one sequence number after another without changing the prepared rows', () => {
    const prepared = prepareRows(envelopes(observations));
    const before = Buffer.from(prepared.points);
    const first = withSequence(prepared, 41);
    const second = withSequence(prepared, 9_000_000);
    expect(prepared.points.equals(before)).toBe(true);
    expect(rowsOf(first.points).map((r) => r.at(-1))).toEqual([41, 41, 41]);
    expect(rowsOf(second.points).map((r) => r.at(-1))).toEqual([9_000_000, 9_000_000, 9_000_000]);
    expect(() => withSequence(prepared, -1)).toThrow(RangeError);
    expect(() => withSequence(prepared, 2 ** 53)).toThrow(RangeError);
  });

  it('keep one row per series of a check delivered twice in a batch', () => {
    const twice = [...observations, { ...(observations[0] as PriceObservation) }];
    const rows = buildRows(envelopes(twice, 1), 3);
    expect(rows.pointCount).toBe(observations.length);
    expect(rowsOf(rows.points)).toEqual(observations.map((o) => expectedRow(o, 3)));
  });

  it('grow past the first allocation for long crawler ids', () => {
    const long = observations.map((o, i) => ({ ...o, checkId: `long-${i}`, crawlerId: 'x'.repeat(200) }));
    const many = Array.from({ length: 50 }, (_, k) => long.map((o) => ({ ...o, checkId: `${o.checkId}-${k}` }))).flat();
    const rows = buildRows(envelopes(many), 5);
    expect(rowsOf(rows.points)).toEqual(many.map((o) => expectedRow(o, 5)));
  });
});
