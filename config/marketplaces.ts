/**
 * The marketplace catalogue: every Amazon storefront Dromedary knows, with what a parser or a
 * chart needs to read and show its prices. Pure data, no I/O.
 */

/** How a marketplace writes a number: `1.299,00` in Germany, `1,299.00` in the US, `2,37,097.00` in India. */
export interface NumberFormat {
  /** The decimal separator used in prices. */
  readonly decimal: '.' | ',';
  /** The thousands separator(s) a page may use (NBSP and U+202F count as spaces). */
  readonly group: readonly string[];
  /** Digits after the decimal separator in the currency's minor unit (JPY 0, most others 2). */
  readonly minorDigits: 0 | 2 | 3;
}

export interface Marketplace {
  /** Short code used everywhere in Dromedary: `us`, `de`, … */
  readonly code: string;
  /** The storefront's host without `www.`: `amazon.de`. */
  readonly domain: string;
  /** ISO 4217 currency code. */
  readonly currency: string;
  /** The currency symbol as the storefront prints it. */
  readonly currencySymbol: string;
  /** BCP 47 locale the storefront's pages are written in. */
  readonly locale: string;
  /** ISO 639-1 language of the pages. */
  readonly language: string;
  readonly numberFormat: NumberFormat;
  /** Amazon's own marketplace id (used in offer fragment URLs and cookies). */
  readonly marketplaceId: string;
  /** A delivery postcode pinned for the marketplace: prices depend on the delivery location. */
  readonly deliveryPostcode: string;
}

const SPACES = [' ', '\u00a0', '\u202f'] as const;

const DOT: NumberFormat = { decimal: '.', group: [','], minorDigits: 2 };
const COMMA: NumberFormat = { decimal: ',', group: ['.'], minorDigits: 2 };
const COMMA_SPACE: NumberFormat = { decimal: ',', group: [...SPACES], minorDigits: 2 };
const COMMA_DOT_OR_SPACE: NumberFormat = { decimal: ',', group: ['.', ...SPACES], minorDigits: 2 };

function m(
  code: string,
  domain: string,
  currency: string,
  currencySymbol: string,
  locale: string,
  numberFormat: NumberFormat,
  marketplaceId: string,
  deliveryPostcode: string,
): Marketplace {
  return Object.freeze({
    code,
    domain,
    currency,
    currencySymbol,
    locale,
    language: locale.slice(0, 2),
    numberFormat,
    marketplaceId,
    deliveryPostcode,
  });
}

/** Every supported marketplace, keyed by code. */
export const MARKETPLACES = Object.freeze({
  us: m('us', 'amazon.com', 'USD', '$', 'en-US', DOT, 'ATVPDKIKX0DER', '10001'),
  uk: m('uk', 'amazon.co.uk', 'GBP', '£', 'en-GB', DOT, 'A1F83G8C2ARO7P', 'SW1A 1AA'),
  de: m('de', 'amazon.de', 'EUR', '€', 'de-DE', COMMA, 'A1PA6795UKMFR9', '10115'),
  fr: m('fr', 'amazon.fr', 'EUR', '€', 'fr-FR', COMMA_SPACE, 'A13V1IB3VIYZZH', '75001'),
  it: m('it', 'amazon.it', 'EUR', '€', 'it-IT', COMMA, 'APJ6JRA9NG5V4', '00118'),
  es: m('es', 'amazon.es', 'EUR', '€', 'es-ES', COMMA, 'A1RKKUPIHCS9HS', '28001'),
  ca: m('ca', 'amazon.ca', 'CAD', '$', 'en-CA', DOT, 'A2EUQ1WTGCTBG2', 'M5V 3L9'),
  jp: m('jp', 'amazon.co.jp', 'JPY', '￥', 'ja-JP', { decimal: '.', group: [','], minorDigits: 0 }, 'A1VC38T7YXB528', '100-0001'),
  in: m('in', 'amazon.in', 'INR', '₹', 'en-IN', DOT, 'A21TJRUUN4KGV', '110001'),
  au: m('au', 'amazon.com.au', 'AUD', '$', 'en-AU', DOT, 'A39IBJ37TRP1C6', '2000'),
  mx: m('mx', 'amazon.com.mx', 'MXN', '$', 'es-MX', DOT, 'A1AM78C64UM0Y8', '01000'),
  br: m('br', 'amazon.com.br', 'BRL', 'R$', 'pt-BR', COMMA, 'A2Q3Y263D00KWC', '01001-000'),
  nl: m('nl', 'amazon.nl', 'EUR', '€', 'nl-NL', COMMA, 'A1805IZSGTT6HS', '1012 JS'),
  se: m('se', 'amazon.se', 'SEK', 'kr', 'sv-SE', COMMA_SPACE, 'A2NODRKZP88ZB9', '111 20'),
  pl: m('pl', 'amazon.pl', 'PLN', 'zł', 'pl-PL', COMMA_SPACE, 'A1C3SOZRARQ6R3', '00-001'),
  tr: m('tr', 'amazon.com.tr', 'TRY', 'TL', 'tr-TR', COMMA, 'A33AVAJ2PDY3EV', '34000'),
  ae: m('ae', 'amazon.ae', 'AED', 'AED', 'en-AE', DOT, 'A2VIGQ35RCS4UG', '00000'),
  sa: m('sa', 'amazon.sa', 'SAR', 'SAR', 'en-SA', DOT, 'A17E79C6D8DWNP', '11564'),
  sg: m('sg', 'amazon.sg', 'SGD', 'S$', 'en-SG', DOT, 'A19VAU5U5O7RUS', '018956'),
  be: m('be', 'amazon.com.be', 'EUR', '€', 'fr-BE', COMMA_DOT_OR_SPACE, 'AMEN7PMS3EDWL', '1000'),
  eg: m('eg', 'amazon.eg', 'EGP', 'EGP', 'en-EG', DOT, 'ARBP9OOSHTCHU', '11511'),
} satisfies Record<string, Marketplace>);

/** A marketplace code known to Dromedary. */
export type MarketplaceCode = keyof typeof MARKETPLACES;

/** Every marketplace code, in catalogue order. */
export const MARKETPLACE_CODES = Object.freeze(Object.keys(MARKETPLACES) as MarketplaceCode[]);

/** True when `code` names a marketplace in the catalogue. */
export function isMarketplaceCode(code: unknown): code is MarketplaceCode {
  return typeof code === 'string' && Object.hasOwn(MARKETPLACES, code);
}

/** The marketplace for `code`; throws {@link UnknownMarketplaceError} for anything else. */
export function getMarketplace(code: string): Marketplace {
  if (!isMarketplaceCode(code)) throw new UnknownMarketplaceError(code);
  return MARKETPLACES[code];
}

/** The marketplace whose storefront is `host` (`www.amazon.de`, `amazon.co.uk`, `smile.amazon.com`), or undefined. */
export function marketplaceForHost(host: string): Marketplace | undefined {
  const bare = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  for (const code of MARKETPLACE_CODES) {
    const mk = MARKETPLACES[code];
    if (bare === mk.domain || bare.endsWith(`.${mk.domain}`)) return mk;
  }
  return undefined;
}

/** Thrown for a marketplace code that is not in the catalogue. Not retryable: the input is wrong. */
export class UnknownMarketplaceError extends Error {
  constructor(readonly code: string) {
    super(`unknown marketplace "${code}"; known: ${MARKETPLACE_CODES.join(', ')}`);
    this.name = 'UnknownMarketplaceError';
  }
}
