/**
 * How each storefront writes a price, in the shapes its pages use: the one-string form of
 * `.a-offscreen` (new layout, offer fragments), the older price-block form, and the split
 * symbol / whole / fraction spans of `.a-price`. Amounts are integer minor units.
 */
import type { MarketplaceCode } from '../config/index.js';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

/** The visible pieces of an `.a-price` element. */
export interface PriceParts {
  readonly symbol: string;
  /** The symbol follows the number (1.299,00 €) instead of leading it ($1,299.00). */
  readonly symbolAfter: boolean;
  /** Integer part with group separators. */
  readonly whole: string;
  /** Decimal separator; empty for currencies without minor units. */
  readonly decimal: string;
  /** Digits after the separator; empty for currencies without minor units. */
  readonly fraction: string;
}

/** A storefront's price style. */
export interface MoneyStyle {
  /** Digits of the minor unit: 2, or 0 for yen. */
  readonly minorDigits: 0 | 2;
  /** The full price as `.a-offscreen` and offer fragments print it. */
  text(minor: number): string;
  /** The full price as the old price block (`#priceblock_ourprice`) prints it. */
  oldText(minor: number): string;
  /** The split form of `.a-price`. */
  parts(minor: number): PriceParts;
  /** The old layout shows the currency as an icon, not text (amazon.in's rupee). */
  readonly oldIconCurrency: boolean;
}

interface StyleSpec {
  minorDigits: 0 | 2;
  decimal: string;
  group: string;
  /** Indian grouping: 2,37,097. */
  indian?: boolean;
  symbol: string;
  symbolAfter: boolean;
  /** Between symbol and number in `text` (for a trailing symbol, before it). */
  gap: string;
  /** Old price-block prefix/suffix; defaults to the new form. */
  oldPrefix?: string;
  oldSuffix?: string;
  oldGroup?: string;
  oldIconCurrency?: boolean;
}

const SPECS: Readonly<Record<MarketplaceCode, StyleSpec>> = {
  us: { minorDigits: 2, decimal: '.', group: ',', symbol: '$', symbolAfter: false, gap: '' },
  uk: { minorDigits: 2, decimal: '.', group: ',', symbol: '£', symbolAfter: false, gap: '' },
  ca: { minorDigits: 2, decimal: '.', group: ',', symbol: '$', symbolAfter: false, gap: '', oldPrefix: 'CDN$ ' },
  au: { minorDigits: 2, decimal: '.', group: ',', symbol: '$', symbolAfter: false, gap: '' },
  in: { minorDigits: 2, decimal: '.', group: ',', indian: true, symbol: '₹', symbolAfter: false, gap: '', oldPrefix: ' ', oldIconCurrency: true },
  de: { minorDigits: 2, decimal: ',', group: '.', symbol: '€', symbolAfter: true, gap: NBSP, oldPrefix: 'EUR ', oldSuffix: '' },
  fr: { minorDigits: 2, decimal: ',', group: NNBSP, symbol: '€', symbolAfter: true, gap: NBSP, oldGroup: NBSP },
  it: { minorDigits: 2, decimal: ',', group: '.', symbol: '€', symbolAfter: true, gap: NBSP },
  es: { minorDigits: 2, decimal: ',', group: '.', symbol: '€', symbolAfter: true, gap: '', oldSuffix: `${NBSP}€` },
  jp: { minorDigits: 0, decimal: '', group: ',', symbol: '￥', symbolAfter: false, gap: '', oldPrefix: '￥ ' },
  mx: { minorDigits: 2, decimal: '.', group: ',', symbol: '$', symbolAfter: false, gap: '' },
  br: { minorDigits: 2, decimal: ',', group: '.', symbol: 'R$', symbolAfter: false, gap: NBSP },
  nl: { minorDigits: 2, decimal: ',', group: '.', symbol: '€', symbolAfter: false, gap: NBSP },
  se: { minorDigits: 2, decimal: ',', group: NBSP, symbol: 'kr', symbolAfter: true, gap: NBSP },
  pl: { minorDigits: 2, decimal: ',', group: NBSP, symbol: 'zł', symbolAfter: true, gap: NBSP },
  tr: { minorDigits: 2, decimal: ',', group: '.', symbol: 'TL', symbolAfter: true, gap: NBSP, oldPrefix: '₺', oldSuffix: '' },
  ae: { minorDigits: 2, decimal: '.', group: ',', symbol: 'AED', symbolAfter: false, gap: NBSP },
  sa: { minorDigits: 2, decimal: '.', group: ',', symbol: 'SAR', symbolAfter: false, gap: NBSP },
  sg: { minorDigits: 2, decimal: '.', group: ',', symbol: 'S$', symbolAfter: false, gap: '' },
  be: { minorDigits: 2, decimal: ',', group: '.', symbol: '€', symbolAfter: true, gap: NBSP },
  eg: { minorDigits: 2, decimal: '.', group: ',', symbol: 'EGP', symbolAfter: false, gap: NBSP },
};

function groupDigits(digits: string, sep: string, indian: boolean): string {
  if (digits.length <= 3) return digits;
  const last3 = digits.slice(-3);
  let rest = digits.slice(0, -3);
  const size = indian ? 2 : 3;
  const groups: string[] = [];
  while (rest.length > size) {
    groups.unshift(rest.slice(-size));
    rest = rest.slice(0, -size);
  }
  if (rest) groups.unshift(rest);
  return `${groups.join(sep)}${sep}${last3}`;
}

function split(minor: number, minorDigits: 0 | 2): { whole: string; fraction: string } {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`bad amount ${minor}`);
  if (minorDigits === 0) return { whole: String(minor), fraction: '' };
  return { whole: String(Math.floor(minor / 100)), fraction: String(minor % 100).padStart(2, '0') };
}

function makeStyle(spec: StyleSpec): MoneyStyle {
  const number = (minor: number, group: string): string => {
    const { whole, fraction } = split(minor, spec.minorDigits);
    const w = groupDigits(whole, group, spec.indian ?? false);
    return spec.minorDigits === 0 ? w : `${w}${spec.decimal}${fraction}`;
  };
  const text = (minor: number): string => {
    const n = number(minor, spec.group);
    return spec.symbolAfter ? `${n}${spec.gap}${spec.symbol}` : `${spec.symbol}${spec.gap}${n}`;
  };
  return {
    minorDigits: spec.minorDigits,
    oldIconCurrency: spec.oldIconCurrency ?? false,
    text,
    oldText(minor) {
      if (spec.oldPrefix === undefined && spec.oldSuffix === undefined && spec.oldGroup === undefined) return text(minor);
      const n = number(minor, spec.oldGroup ?? spec.group);
      if (spec.oldPrefix !== undefined || spec.oldSuffix !== undefined) return `${spec.oldPrefix ?? ''}${n}${spec.oldSuffix ?? ''}`;
      return spec.symbolAfter ? `${n}${spec.gap}${spec.symbol}` : `${spec.symbol}${spec.gap}${n}`;
    },
    parts(minor) {
      const { whole, fraction } = split(minor, spec.minorDigits);
      return {
        symbol: spec.symbol,
        symbolAfter: spec.symbolAfter,
        whole: groupDigits(whole, spec.group, spec.indian ?? false),
        decimal: spec.decimal,
        fraction,
      };
    },
  };
}

const STYLES = new Map<MarketplaceCode, MoneyStyle>();

/** The price style of a storefront. */
export function moneyStyle(code: MarketplaceCode): MoneyStyle {
  let style = STYLES.get(code);
  if (!style) {
    style = makeStyle(SPECS[code]);
    STYLES.set(code, style);
  }
  return style;
}

/** Minor units as a decimal number in the currency (1299.99); yen stay whole. */
export function minorToDecimal(code: MarketplaceCode, minor: number): number {
  return SPECS[code].minorDigits === 0 ? minor : Math.round(minor) / 100;
}
