/**
 * Can the item be ordered from the page now?
 * - `in_stock`: orderable now, including pre-order, back-order ("In stock on <date>", "Temporarily
 *   out of stock. Order now…"), a used-only buy box and "Available from these sellers".
 * - `out_of_stock`: "Currently unavailable" or its translation, or the out-of-stock box.
 * - `unknown`: the page does not say (no message and no offer to buy).
 */
import type { Availability } from '../contracts/index.js';
import { textOf } from './dom-query.js';
import { BACK_ORDER_PHRASES, includesAny, OUT_OF_STOCK_PHRASES } from './lexicon.js';
import type { PageView } from './page-view.js';

/** The availability and the message it was read from. */
export interface AvailabilityReading {
  readonly availability: Availability;
  readonly text: string | null;
}

/** Reads availability; `hasFeaturedOffer` decides when the page prints no message at all. */
export function readAvailability(view: PageView, hasFeaturedOffer: boolean): AvailabilityReading {
  let text: string | null = null;
  for (const id of ['availability', 'availabilityInsideBuyBox_feature_div', 'availability_feature_div', 'outOfStock']) {
    for (const region of view.all(id)) {
      const t = textOf(region.element());
      if (/\p{L}/u.test(t)) {
        text = t.length > 300 ? `${t.slice(0, 300)}…` : t;
        break;
      }
    }
    if (text) break;
  }
  if (text) {
    if (includesAny(text, BACK_ORDER_PHRASES)) return { availability: 'in_stock', text };
    if (includesAny(text, OUT_OF_STOCK_PHRASES)) return { availability: 'out_of_stock', text };
    return { availability: 'in_stock', text };
  }
  if (view.has('outOfStock')) return { availability: 'out_of_stock', text: null };
  return { availability: hasFeaturedOffer ? 'in_stock' : 'unknown', text: null };
}
