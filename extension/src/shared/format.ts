/** Prices and days as people of each storefront write them (Intl), and prices typed into a form. */

/** Formats minor units of `currency` in `locale` (`$1,299.99`, `1.299,99 €`, `￥1,290`); `—` for null. */
export function moneyFormatter(currency: string, locale: string): (minor: number | null | undefined) => string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return (minor) => (minor === null || minor === undefined ? '—' : format.format(minor / 10 ** digits));
}

/** A day as the locale writes it, in UTC like the API's statistics (`12 Mar 2025`, `12.03.2025`). */
export function formatDay(epochMs: number | null | undefined, locale: string): string {
  if (epochMs === null || epochMs === undefined) return '';
  return new Date(epochMs).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/**
 * Reads a price typed by a person into minor units: `12.34`, `12,34`, `1,299.99`, `1.299,99`,
 * `$ 12`, `1 299,99 €`. A separator followed by at most `minorDigits` digits at the end is the
 * decimal one; every other separator groups thousands. Null when the text is no positive price.
 */
export function parsePriceInput(text: string, minorDigits: number): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(/[^\d.,]/g, '');
  if (!/\d/.test(cleaned)) return null;
  let whole = cleaned;
  let fraction = '';
  const lastSep = Math.max(cleaned.lastIndexOf('.'), cleaned.lastIndexOf(','));
  if (lastSep >= 0) {
    const tail = cleaned.slice(lastSep + 1);
    if (minorDigits > 0 && tail.length > 0 && tail.length <= minorDigits) {
      whole = cleaned.slice(0, lastSep);
      fraction = tail;
    } else if (tail.length !== 3 && tail.length !== 0) {
      return null;
    }
  }
  whole = whole.replace(/[.,]/g, '');
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction)) return null;
  const minor = Number(whole || '0') * 10 ** minorDigits + Number(fraction.padEnd(minorDigits, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** The verdict as a short label. */
export function verdictLabel(verdict: string): string {
  switch (verdict) {
    case 'good_deal':
      return 'Good deal';
    case 'fair':
      return 'Fair price';
    case 'expensive':
      return 'Expensive';
    case 'insufficient_history':
      return 'Too little history';
    case 'unavailable':
      return 'No offer now';
    default:
      return verdict;
  }
}
