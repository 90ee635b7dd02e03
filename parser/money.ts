/**
 * Reading prices as Amazon prints them, in every storefront's style, into integer minor units.
 *
 * The decimal separator is recognised by position rather than trusted from the locale: the last
 * separator followed by 1–2 digits at the end of a number is the decimal point, a separator followed
 * by exactly 3 digits groups thousands. That reads "1.299,00 €", "$1,299.00", "₹ 2,37,097.00",
 * "1 299,00 €" (NBSP / U+202F), "£ 34 99" (pounds and pence in separate spans) and "EUR 1,106.18" on
 * amazon.de alike, and never turns €1,106.18 into €1.11.
 */
import { isTag, isText, type Element } from 'domhandler';
import type { Marketplace } from '../config/index.js';
import { byClass, findFirst, hasClass, rawTextOf, textOf } from './dom-query.js';

/**
 * A number as printed: grouped digits ("1.299,00", "2,37,097.00", "1 299,00", "34 99" from split
 * spans) or plain digits with an optional decimal part ("1299.00", "690").
 */
const NUMBER_RE = /\d{1,3}(?:[.,'’\u00a0\u202f ]\d{2,3})+(?!\d)|\d{1,13}(?:[.,]\d{1,2})?(?!\d)/g;

/** Longest text scanned for numbers: prices are short, and a bound keeps the scan linear. */
const MAX_PRICE_TEXT = 400;

/** Characters that separate digit groups or the decimal part. */
const SEPARATORS = /[.,'’\u00a0\u202f ]+/;

/** One number read from text: its value in minor units and where it was. */
export interface MoneyToken {
  readonly minor: number;
  readonly index: number;
  readonly length: number;
}

/** Converts one printed number ("1.299,00", "34 99", "237,097.00", "690") to minor units. */
export function numberToMinor(printed: string, minorDigits: number): number | null {
  const groups = printed.split(SEPARATORS).filter((g) => g.length > 0);
  if (groups.length === 0 || groups.some((g) => !/^\d+$/.test(g))) return null;
  let integerDigits: string;
  let fraction = '';
  const last = groups[groups.length - 1] as string;
  if (groups.length > 1 && last.length <= 2 && (minorDigits > 0 || /[.,]\d{1,2}$/.test(printed))) {
    integerDigits = groups.slice(0, -1).join('');
    fraction = last;
  } else if (groups.length > 1 && minorDigits === 3 && last.length === 3 && /[.,]\d{3}$/.test(printed) && groups.length === 2) {
    integerDigits = groups[0] as string;
    fraction = last;
  } else {
    integerDigits = groups.join('');
  }
  if (integerDigits.length > 13) return null;
  const integer = Number(integerDigits || '0');
  const scale = 10 ** minorDigits;
  let minor = integer * scale;
  if (fraction) {
    if (minorDigits === 0) minor += Math.round(Number(`0.${fraction}`));
    else minor += Number(fraction.padEnd(minorDigits, '0').slice(0, minorDigits));
  }
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Every number in `text`, in order, converted to minor units. */
export function moneyTokens(text: string, mk: Marketplace): MoneyToken[] {
  const out: MoneyToken[] = [];
  const re = new RegExp(NUMBER_RE.source, 'g');
  const bounded = text.length > MAX_PRICE_TEXT ? text.slice(0, MAX_PRICE_TEXT) : text;
  let m: RegExpExecArray | null;
  while ((m = re.exec(bounded)) !== null) {
    const minor = numberToMinor(m[0], mk.numberFormat.minorDigits);
    if (minor !== null) out.push({ minor, index: m.index, length: m[0].length });
  }
  return out;
}

/** Result of reading a price element or text. */
export type PriceReading =
  | { readonly kind: 'price'; readonly minor: number }
  | { readonly kind: 'range'; readonly min: number; readonly max: number }
  | { readonly kind: 'none' };

const NONE: PriceReading = { kind: 'none' };

/**
 * Reads the price in a short text such as "CDN$ 28.80", "EUR 79,99", "1.679,00€", "£ 34 99" or
 * "$45.37 - $90.00" (a range). Text without digits gives `none`.
 */
export function readPriceText(text: string, mk: Marketplace): PriceReading {
  const clean = text.replace(/[\u200b\u200e\u200f]/g, '');
  const tokens = moneyTokens(clean, mk);
  const first = tokens[0];
  if (!first) return NONE;
  const second = tokens[1];
  if (second) {
    const between = clean.slice(first.index + first.length, second.index);
    if (/^\s*[^\d\s]{0,6}\s*[-–—~〜]\s*[^\d\s]{0,6}\s*$/.test(between)) {
      return { kind: 'range', min: Math.min(first.minor, second.minor), max: Math.max(first.minor, second.minor) };
    }
  }
  return { kind: 'price', minor: first.minor };
}

/**
 * Reads an Amazon price element: an `.a-price` (its `.a-offscreen` text, else the visible
 * whole/fraction spans — the offscreen copy is sometimes empty), a `.a-price-range`, or any element
 * whose text is the price (old `priceblock_*` spans, `.offer-price`).
 */
export function readPriceElement(el: Element, mk: Marketplace): PriceReading {
  if (hasClass(el, 'a-price-range')) {
    const prices = byClass(el, 'a-price')
      .map((p) => readAPrice(p, mk))
      .filter((n): n is number => n !== null);
    if (prices.length >= 2) return { kind: 'range', min: Math.min(...prices), max: Math.max(...prices) };
  }
  const aPrice = hasClass(el, 'a-price') ? el : null;
  if (aPrice) {
    const minor = readAPrice(aPrice, mk);
    return minor === null ? NONE : { kind: 'price', minor };
  }
  const text = textOf(el);
  const reading = readPriceText(text, mk);
  if (reading.kind !== 'none') return reading;
  return readPriceText(rawTextOf(el), mk);
}

/** One `.a-price` element in minor units, or null. */
export function readAPrice(el: Element, mk: Marketplace): number | null {
  const offscreen = findFirst(el, (e) => hasClass(e, 'a-offscreen'));
  const offText = offscreen ? textOf(offscreen) : '';
  if (/\d/.test(offText)) {
    const reading = readPriceText(offText, mk);
    if (reading.kind === 'price') return reading.minor;
  }
  const whole = findFirst(el, (e) => hasClass(e, 'a-price-whole'));
  if (!whole) {
    const reading = readPriceText(textOf(el), mk);
    return reading.kind === 'price' ? reading.minor : null;
  }
  // The visible copy: whole part (with its decimal-point span) and fraction part are separate.
  let wholeDigits = '';
  for (const child of whole.children) {
    if (isText(child)) wholeDigits += child.data;
    else if (isTag(child) && !hasClass(child, 'a-price-decimal')) wholeDigits += rawTextOf(child);
  }
  wholeDigits = wholeDigits.replace(/\D/g, '');
  if (!wholeDigits || wholeDigits.length > 13) return null;
  const fractionEl = findFirst(el, (e) => hasClass(e, 'a-price-fraction'));
  const fraction = fractionEl ? textOf(fractionEl).replace(/\D/g, '') : '';
  const digits = mk.numberFormat.minorDigits;
  const minor = Number(wholeDigits) * 10 ** digits + (digits > 0 && fraction ? Number(fraction.padEnd(digits, '0').slice(0, digits)) : 0);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units back to a decimal number in the currency (12999 → 129.99; yen unchanged). */
export function minorToDecimal(minor: number | null, minorDigits: number): number | null {
  if (minor === null) return null;
  return minorDigits === 0 ? minor : Number((minor / 10 ** minorDigits).toFixed(minorDigits));
}
