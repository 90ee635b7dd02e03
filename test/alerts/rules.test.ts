/** The alert semantics as pure functions: each rule, the crossing, the guards, the series mapping. */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, effectivePrice, firedRules, seriesFor, suppression } from '../../alerts/index.js';

const none = { targetPrice: null, dropPercent: null, dropAmount: null, allTimeLow: false, backInStock: false };

describe('rules', () => {
  it('target fires only when the price crosses into "at or below", and again after it left', () => {
    const rules = { ...none, targetPrice: 1000 };
    expect(firedRules(rules, { before: 1100, after: 1000 }, null)).toEqual(['target']);
    expect(firedRules(rules, { before: 1000, after: 900 }, null)).toEqual([]);
    expect(firedRules(rules, { before: 900, after: 1100 }, null)).toEqual([]);
    expect(firedRules(rules, { before: 1100, after: 950 }, null)).toEqual(['target']);
    expect(firedRules(rules, { before: null, after: 950 }, null)).toEqual(['target']);
  });

  it('an out-of-stock step or an unchanged price never fires', () => {
    const rules = { ...none, targetPrice: 1000, dropPercent: 1, backInStock: true, allTimeLow: true };
    expect(firedRules(rules, { before: 900, after: null }, 500)).toEqual([]);
    expect(firedRules(rules, { before: 900, after: 900 }, 1000)).toEqual([]);
  });

  it('drop fires on at least the percentage or the amount from the price just before', () => {
    expect(firedRules({ ...none, dropPercent: 10 }, { before: 1000, after: 900 }, null)).toEqual(['drop']);
    expect(firedRules({ ...none, dropPercent: 10 }, { before: 1000, after: 901 }, null)).toEqual([]);
    expect(firedRules({ ...none, dropAmount: 250 }, { before: 1000, after: 750 }, null)).toEqual(['drop']);
    expect(firedRules({ ...none, dropAmount: 250 }, { before: 1000, after: 751 }, null)).toEqual([]);
    expect(firedRules({ ...none, dropAmount: 250 }, { before: 700, after: 1000 }, null)).toEqual([]);
  });

  it('all-time low needs a lower price than every earlier one; back in stock needs a check without offer before', () => {
    expect(firedRules({ ...none, allTimeLow: true }, { before: 1000, after: 799 }, 800)).toEqual(['all_time_low']);
    expect(firedRules({ ...none, allTimeLow: true }, { before: 1000, after: 800 }, 800)).toEqual([]);
    expect(firedRules({ ...none, allTimeLow: true }, { before: 1000, after: 500 }, null)).toEqual([]);
    expect(firedRules({ ...none, backInStock: true }, { before: null, after: 1200 }, null)).toEqual(['back_in_stock']);
    expect(firedRules({ ...none, backInStock: true }, { before: 1100, after: 1200 }, null)).toEqual([]);
  });

  it('guards: never the same price as the last alert, nothing inside the cooldown', () => {
    const last = { price: 950, at: 1_000_000 };
    expect(suppression(undefined, 950, 0, 1000)).toBeNull();
    expect(suppression(last, 950, 1_000_000 + 10 * 3_600_000, 6 * 3_600_000)).toBe('same_price');
    expect(suppression(last, 940, 1_000_000 + 3_600_000, 6 * 3_600_000)).toBe('cooldown');
    expect(suppression(last, 940, 1_000_000 + 6 * 3_600_000, 6 * 3_600_000)).toBeNull();
  });

  it('maps conditions to series; any takes the cheapest offer; refurbished from Amazon is refused', () => {
    expect(seriesFor('new', false)).toEqual(['new']);
    expect(seriesFor('new', true)).toEqual(['amazon']);
    expect(seriesFor('used', true)).toEqual(['warehouse']);
    expect(seriesFor('any', false)).toEqual(['new', 'used', 'refurbished']);
    expect(seriesFor('any', true)).toEqual(['amazon', 'warehouse']);
    expect(() => seriesFor('refurbished', true)).toThrow(InvalidInputError);
    expect(effectivePrice(new Map([['new', 1200], ['used', 900], ['refurbished', null]]), ['new', 'used', 'refurbished'])).toEqual({ price: 900, series: 'used' });
    expect(effectivePrice(new Map([['new', null]]), ['new', 'used'])).toEqual({ price: null, series: 'new' });
  });
});
