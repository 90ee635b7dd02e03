/**
 * Axis labels in the marketplace's own money and date conventions (Intl, full ICU): `$1,299`,
 * `1.299 €`, `￥1,290`, `₹2,37,097`; dates as the locale writes them.
 */

/** Digits of the currency's minor unit (USD 2, JPY 0), as Intl knows it. */
export function currencyMinorDigits(currency: string, locale: string): number {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * A formatter for prices in minor units. With `wholeOnly` the fraction is dropped (axis ticks that are
 * all whole amounts read better without `.00`).
 */
export function moneyFormatter(currency: string, locale: string, { wholeOnly = false }: { wholeOnly?: boolean } = {}): (minor: number) => string {
  const digits = currencyMinorDigits(currency, locale);
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: wholeOnly ? 0 : digits,
    maximumFractionDigits: wholeOnly ? 0 : digits,
  });
  const scale = 10 ** digits;
  return (minor) => format.format(minor / scale);
}

/** A date-tick formatter suited to the span shown: hours within two days, else day and month (with the year past ~10 months). */
export function dateFormatter(locale: string, spanMs: number): (t: number) => string {
  const day = 86_400_000;
  const options: Intl.DateTimeFormatOptions =
    spanMs <= 2 * day
      ? { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }
      : spanMs <= 300 * day
        ? { month: 'short', day: 'numeric', timeZone: 'UTC' }
        : { month: 'short', year: 'numeric', timeZone: 'UTC' };
  const format = new Intl.DateTimeFormat(locale, options);
  return (t) => format.format(new Date(t));
}
