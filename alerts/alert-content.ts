/**
 * What an alert says, in the marketplace's money format: the headline, old and new price, the drop
 * (amount and percent), and the links. Shared by the email (HTML and text) and the webhook body.
 */
import { getMarketplace } from '../config/index.js';
import { moneyFormatter } from '../charts/index.js';
import type { AlertRecord } from '../storage/index.js';
import type { AlertReason } from './rule-evaluation.js';

/** Everything a message about one alert shows. */
export interface AlertContent {
  subject: string;
  headline: string;
  title: string;
  price: string;
  previousPrice: string | null;
  /** e.g. `$5.00 (20.0 %)`; null when the price did not drop. */
  drop: string | null;
  dropAmount: number | null;
  dropPercent: number | null;
  target: string | null;
  reasons: AlertReason[];
  productPageUrl: string;
  amazonUrl: string;
  locale: string;
}

export interface AlertContentInput {
  alert: Pick<AlertRecord, 'marketplace' | 'asin' | 'price' | 'previousPrice' | 'currency' | 'reasons'>;
  /** The product's title; the ASIN when unknown. */
  title: string;
  targetPrice: number | null;
  productPageUrl: string;
  amazonUrl: string;
}

/** The content of an alert. */
export function alertContent(input: AlertContentInput): AlertContent {
  const { alert } = input;
  const locale = getMarketplace(alert.marketplace).locale;
  const money = moneyFormatter(alert.currency, locale);
  const price = alert.price === null ? '—' : money(alert.price);
  const previous = alert.previousPrice === null ? null : money(alert.previousPrice);
  const reasons = alert.reasons.filter(isReason);
  const dropAmount = alert.price !== null && alert.previousPrice !== null && alert.price < alert.previousPrice ? alert.previousPrice - alert.price : null;
  const dropPercent = dropAmount !== null && alert.previousPrice ? (dropAmount / alert.previousPrice) * 100 : null;
  const percent = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const drop = dropAmount === null || dropPercent === null ? null : `${money(dropAmount)} (${percent.format(dropPercent)} %)`;
  const title = input.title.trim() || alert.asin;
  const short = title.length > 70 ? `${title.slice(0, 67)}…` : title;
  const target = input.targetPrice === null ? null : money(input.targetPrice);

  let headline: string;
  if (reasons.includes('back_in_stock')) headline = `Back in stock at ${price}`;
  else if (reasons.includes('all_time_low')) headline = `All-time low: ${price}${previous ? ` (was ${previous})` : ''}`;
  else if (dropAmount !== null) headline = `Price drop: ${price}, was ${previous ?? '—'}`;
  else if (reasons.includes('target')) headline = `${price}: at or below your target${target ? ` of ${target}` : ''}`;
  else headline = `Now ${price}`;

  return {
    subject: `${headline} — ${short}`,
    headline,
    title,
    price,
    previousPrice: previous,
    drop,
    dropAmount,
    dropPercent,
    target,
    reasons,
    productPageUrl: input.productPageUrl,
    amazonUrl: input.amazonUrl,
    locale,
  };
}

function isReason(r: string): r is AlertReason {
  return r === 'target' || r === 'drop' || r === 'all_time_low' || r === 'back_in_stock';
}
