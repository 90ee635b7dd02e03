/**
 * The alert semantics, as pure functions of one price step (the tracking's price before and after a
 * check) and the tracking's last alert. The detector and the tests use exactly these.
 *
 * - target: fires when the price *crosses into* "at or below target" (it was above, or there was no
 *   offer, and now it is at or below). While it stays there nothing fires; when it leaves, the rule
 *   is armed again — both follow from judging each step's before and after.
 * - drop: a drop of at least `dropPercent` % or `dropAmount` from the price just before.
 * - all_time_low: the price is below every price seen before (a first price is no record).
 * - back_in_stock: there was no offer at the previous check, now there is.
 * - an out-of-stock step never fires; a failed check is no step at all (it never becomes a price).
 * Guards over all rules: never the same price as the tracking's last alert; nothing within the
 * cooldown after the last alert (measured between the observations' times, so a backlog judged in one
 * go behaves as it would have live).
 */
import type { RuleSet } from './tracking-input.js';

/** Why an alert fired. */
export type AlertReason = 'target' | 'drop' | 'all_time_low' | 'back_in_stock';

/** The tracking's price before and after one check (minor units; null = no offer). */
export interface PriceStep {
  before: number | null;
  after: number | null;
}

/** The rules that fire on `step`; `lowestBefore` is the lowest price seen before it (null: none). */
export function firedRules(rules: RuleSet, step: PriceStep, lowestBefore: number | null): AlertReason[] {
  const { before, after } = step;
  if (after === null || before === after) return [];
  const reasons: AlertReason[] = [];
  if (rules.targetPrice !== null && after <= rules.targetPrice && !(before !== null && before <= rules.targetPrice)) reasons.push('target');
  if (before !== null && after < before) {
    const drop = before - after;
    const byPercent = rules.dropPercent !== null && drop * 100 >= rules.dropPercent * before - 1e-9;
    const byAmount = rules.dropAmount !== null && drop >= rules.dropAmount;
    if (byPercent || byAmount) reasons.push('drop');
  }
  if (rules.allTimeLow && lowestBefore !== null && after < lowestBefore) reasons.push('all_time_low');
  if (rules.backInStock && before === null) reasons.push('back_in_stock');
  return reasons;
}

/** Rules that hold for the latest price when a tracking's rules are set (only the state rule: target). */
export function rulesHoldingNow(rules: RuleSet, price: number | null): AlertReason[] {
  if (price === null || rules.targetPrice === null) return [];
  return price <= rules.targetPrice ? ['target'] : [];
}

/** The tracking's last alert as far as the guards care. */
export interface LastAlertState {
  price: number | null;
  /** When its price was observed (or, for an alert on setting the rules, when it was made), epoch ms. */
  at: number;
}

/** Why a firing step sends nothing, or null when it alerts. */
export type Suppression = 'same_price' | 'cooldown' | null;

/** Applies the guards to a step that fired at `price`, observed at `at`. */
export function suppression(last: LastAlertState | undefined, price: number, at: number, cooldownMs: number): Suppression {
  if (!last) return null;
  if (last.price === price) return 'same_price';
  if (at - last.at < cooldownMs) return 'cooldown';
  return null;
}
