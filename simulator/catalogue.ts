/**
 * The seeded catalogue: which products each simulated storefront lists, what they are, which page
 * shape (layout and variant) each is served in, and which kinds of offers each has. Pure data,
 * computed once from (seed, product count, storefronts).
 */
import type { MarketplaceCode } from '../config/index.js';
import { type ProductKind, type UsedGrade, USED_GRADES, textPack } from './locale-text.js';
import { type Rng, rngFor } from './random.js';
import { slug } from './url-slug.js';

/** The two page generations Amazon serves. */
export type Layout = 'old' | 'new';

/**
 * The page shapes, each modelled on real pages:
 * - `old-ourprice`: `#priceblock_ourprice` in the `#price` table, `#merchant-info`
 * - `old-deal`: `#priceblock_dealprice` with the list price struck above it
 * - `old-sale`: `#priceblock_saleprice`
 * - `old-split`: the price split into spans ("£" "34" "99") inside `#priceblock_ourprice`
 * - `old-book`: `#buyNewSection` / `#usedBuySection` accordion with `.offer-price`
 * - `new-tabular`: `#corePrice_feature_div` + `#corePriceDisplay_desktop_feature_div`, seller in `#tabular-buybox`
 * - `new-odf`: the same prices, seller in offer-display-features rows
 * - `new-odf-hidden`: `.priceToPay .a-offscreen` empty, the price in `.aok-offscreen`
 * - `new-sns`: Subscribe & Save preselected; the one-time price in its own accordion row
 */
export type PageVariant =
  | 'old-ourprice'
  | 'old-deal'
  | 'old-sale'
  | 'old-split'
  | 'old-book'
  | 'new-tabular'
  | 'new-odf'
  | 'new-odf-hidden'
  | 'new-sns';

export const PAGE_VARIANTS: readonly PageVariant[] = [
  'old-ourprice', 'old-deal', 'old-sale', 'old-split', 'old-book', 'new-tabular', 'new-odf', 'new-odf-hidden', 'new-sns',
];

const OLD_VARIANTS: readonly PageVariant[] = ['old-ourprice', 'old-deal', 'old-sale', 'old-split'];
const NEW_VARIANTS: readonly PageVariant[] = ['new-tabular', 'new-odf', 'new-odf-hidden', 'new-sns'];
const NEW_BOOK_VARIANTS: readonly PageVariant[] = ['new-tabular', 'new-odf'];

/** The layout a variant belongs to. */
export function variantLayout(variant: PageVariant): Layout {
  return variant.startsWith('old-') ? 'old' : 'new';
}

/** A seller of a product's offers (name and Amazon-style merchant id). */
export interface SellerRef {
  readonly name: string;
  readonly id: string;
  /** Fulfilled by Amazon (ships from Amazon). */
  readonly fba: boolean;
  /** Price relative to the series' lowest offer (1 for the cheapest). */
  readonly markup: number;
  /** Shipping charged, in minor units. */
  readonly shipping: number;
}

export interface UsedSellerRef extends SellerRef {
  readonly grade: UsedGrade;
}

/** What a product offers, by kind of seller; prices come from the timeline. */
export interface OfferPlan {
  readonly amazon: boolean;
  readonly thirdPartyNew: readonly SellerRef[];
  readonly used: readonly UsedSellerRef[];
  readonly warehouse: UsedSellerRef | null;
  readonly renewed: readonly SellerRef[];
  readonly collectible: readonly SellerRef[];
}

/** Extra page furniture that carries numbers which are NOT the price (the traps). */
export interface Decorations {
  /** Coupon next to the price: an amount (minor units) or a percentage. */
  readonly coupon: { readonly kind: 'amount'; readonly minor: number } | { readonly kind: 'percent'; readonly pct: number } | null;
  /** Unit price shown beside the price: number of units in the pack. */
  readonly unitCount: number | null;
  /** Monthly instalments shown under the price. */
  readonly monthlyMonths: number | null;
  /** Protection plans offered in the buy box, their prices (minor units). */
  readonly protectionPlans: readonly number[];
  /** Subscribe & Save discount, percent (variant `new-sns`). */
  readonly snsPct: number | null;
}

/** One product of one storefront. */
export interface CatalogueProduct {
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  /** Position in the storefront's list (0-based). */
  readonly index: number;
  readonly kind: ProductKind;
  readonly title: string;
  /** The URL slug of the title (`/Slug/dp/ASIN`). */
  readonly slug: string;
  /** The brand; null for books (they show an author). */
  readonly brand: string | null;
  readonly author: string | null;
  /** Breadcrumb categories; empty when the page shows none (or only "Back to results"). */
  readonly breadcrumb: readonly string[];
  /** The page shows only a "Back to results" link where the breadcrumb would be. */
  readonly backToResultsOnly: boolean;
  readonly imageId: string;
  readonly layout: Layout;
  readonly variant: PageVariant;
  /** The variation parent, for products that are a variation. */
  readonly parentAsin: string | null;
  /** Sibling variations (not listed in the catalogue). */
  readonly siblingAsins: readonly string[];
  /** The canonical link points at a sibling instead of this product (a real-page trap). */
  readonly canonicalAsin: string;
  /** Base price of the series, in minor units. */
  readonly basePrice: number;
  /** The manufacturer's list price, minor units, or null. */
  readonly listPrice: number | null;
  readonly offers: OfferPlan;
  readonly decorations: Decorations;
  readonly salesRank: number | null;
  readonly rating: number;
  readonly reviewCount: number;
  /** Other formats of a book (format name → price, minor units): prices of OTHER ASINs. */
  readonly otherFormats: readonly { readonly format: string; readonly asin: string; readonly price: number }[];
}

/** The catalogue of every simulated storefront. */
export interface Catalogue {
  readonly seed: number;
  readonly marketplaces: readonly MarketplaceCode[];
  /** Products per storefront, in list order. */
  readonly products: ReadonlyMap<MarketplaceCode, readonly CatalogueProduct[]>;
  /** Lookup by storefront and ASIN. */
  get(marketplace: MarketplaceCode, asin: string): CatalogueProduct | undefined;
}

export interface CatalogueOptions {
  /** Seed of every choice. */
  seed: number;
  /** Products per storefront. */
  products: number;
  marketplaces: readonly MarketplaceCode[];
  /** Layouts to serve; default both. */
  layouts?: readonly Layout[];
}

/** Rough value of one US dollar in each currency, to keep prices plausible per storefront. */
const FX: Readonly<Record<MarketplaceCode, number>> = {
  us: 1, uk: 0.8, ca: 1.37, au: 1.52, in: 83, de: 0.93, fr: 0.93, it: 0.93, es: 0.93, nl: 0.93, be: 0.93,
  jp: 150, mx: 17, br: 5, se: 10.5, pl: 4, tr: 32, ae: 3.67, sa: 3.75, sg: 1.35, eg: 48,
};

const BRANDS: Readonly<Record<ProductKind, readonly string[]>> = {
  electronics: ['Voltix', 'SainTek', 'Nordwave', 'Acoustra', 'Kairo', 'Brightline', 'Helion', 'Q&amp;Z Audio'],
  home: ['Instant Kettle', 'Casaluna', 'Ferrum', 'Lumina Home', 'Oakridge', 'Pure&amp;Simple'],
  book: [],
  renewed: ['Apple', 'Samsung', 'Google', 'Motorola'],
  fashion: ['Palarn', 'Clarkson', 'Vireo', 'Modalia', 'Urban Trail'],
};

const NOUNS: Readonly<Record<ProductKind, readonly string[]>> = {
  electronics: [
    'Wireless Noise Cancelling Headphones', '4-Channel Relay Module', 'Mechanical Gaming Keyboard', 'USB-C Docking Station',
    'Portable Bluetooth Speaker', '1080p Webcam', 'Smart Plug (4-Pack)', 'Digital Multimeter',
  ],
  home: ['Electric Pressure Cooker, 6 Quart', 'LED Wall Sconce', 'Cotton Sheet Set, Queen', 'Cast Iron Skillet, 12 Inch', 'Cordless Stick Vacuum'],
  book: [
    'Vegetable Perfection: 100 Delicious Recipes', 'User Story Mapping', 'The Whole Truth', 'Designing Data Systems',
    'A Field Guide to Mushrooms', 'The Quiet Harbour', 'Learning TypeScript the Hard Way',
  ],
  renewed: ['iPhone 13, 128GB, Midnight - Unlocked', 'Galaxy S22, 256GB, Phantom Black', 'Pixel 7, 128GB, Obsidian'],
  fashion: ["Women's Sleeveless Chiffon Top", "Men's Tilden Walk Oxford", 'Quilted Puffer Jacket', 'Linen Summer Dress'],
};

const JP_NOUNS: Readonly<Record<ProductKind, readonly string[]>> = {
  electronics: ['ワイヤレス ノイズキャンセリング ヘッドホン', 'リレーモジュール 4チャンネル', 'メカニカル キーボード'],
  home: ['電気圧力鍋 6L', 'LED ウォールランプ', 'サプリメント 30日分'],
  book: ['野菜の本 100のレシピ', 'ユーザーストーリーマッピング', '静かな港'],
  renewed: ['iPhone 13 128GB ミッドナイト SIMフリー', 'Galaxy S22 256GB'],
  fashion: ['レディース シフォン トップス', 'メンズ ウォーキング シューズ'],
};

const FEATURES = ['40h Battery', 'Bluetooth 5.3', 'Stainless Steel', 'Black', 'Compact Design', '2-Year Warranty', 'Gift Box', 'Pack of 2'];
const AUTHORS = ['Mat Follas', 'Jeff Patton', 'David Baldacci', 'Ana Lindqvist', 'Kenji Mori', 'Clara Dupont'];
const SIZES = ['S', 'M', 'L', 'XL'];

const SELLER_STEMS = ['Goldstone', 'Nordic Goods', 'TechDirect', 'Quality Books Today', 'e9accessories', 'simbashopping', 'Direct ChangM',
  'LIMEISANMO', 'Didaronline', 'owlsbooks', 'HomeHaus', 'PixelPoint', 'Libreria Sole', 'BlueRiver Trading', 'Kagaya Shoten', 'CUOMOWJ'];
const SELLER_SUFFIX = ['', ' Ltd', ' GmbH', '-Books', ' Store', ' Official', ' EU', ' Co.'];

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function isbn10(rng: Rng): string {
  let digits = '';
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = rng.int(0, 9);
    digits += String(d);
    sum += d * (10 - i);
  }
  const check = (11 - (sum % 11)) % 11;
  return digits + (check === 10 ? 'X' : String(check));
}

function productAsin(rng: Rng, kind: ProductKind): string {
  return kind === 'book' ? isbn10(rng) : `B0${rng.chars(ALNUM, 8)}`;
}

/** Minor units per unit of the currency: 1 for yen, 100 for the others served. */
function minorPerMajor(code: MarketplaceCode): number {
  return code === 'jp' ? 1 : 100;
}

/** A price rounded the way shops round them: ...99 below 1000, whole above, whole rupees, tens of yen. */
export function shopRound(marketplace: MarketplaceCode, minor: number, salt: number): number {
  if (marketplace === 'jp') return Math.max(10, Math.round(minor / 10) * 10);
  const major = Math.max(1, Math.floor(minor / 100));
  if (marketplace === 'in' || marketplace === 'eg' || marketplace === 'tr') return major * 100;
  if (major < 1000) return major * 100 + (salt % 4 === 0 ? 49 : 99);
  return major * 100;
}

function sellers(rng: Rng, count: number, code: MarketplaceCode, used: boolean): SellerRef[] {
  const out: SellerRef[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    let name = `${rng.pick(SELLER_STEMS)}${rng.pick(SELLER_SUFFIX)}`;
    while (names.has(name)) name = `${name} ${rng.int(2, 9)}`;
    names.add(name);
    const fba = rng.chance(used ? 0.25 : 0.5);
    out.push({
      name,
      id: `A${rng.chars(ALNUM, 12)}`,
      fba,
      markup: i === 0 ? 1 : 1 + rng.range(0.02, 0.35),
      shipping: fba ? 0 : rng.chance(0.5) ? 0 : shopRound(code, Math.round(3.99 * FX[code] * minorPerMajor(code)), 3),
    });
  }
  return out;
}

function makeProduct(opts: CatalogueOptions, code: MarketplaceCode, index: number, globalRng: Rng, usedAsins: Set<string>): CatalogueProduct {
  const layouts = opts.layouts?.length ? opts.layouts : (['old', 'new'] as const);
  // Identity (ASIN, kind) is shared by every storefront: product i is the same ASIN everywhere.
  const id = rngFor(opts.seed, 'product', index);
  const kind = id.weighted<ProductKind>({ electronics: 35, home: 25, book: 20, renewed: 8, fashion: 12 });
  let asin = productAsin(id, kind);
  while (usedAsins.has(`${code}:${asin}`)) asin = productAsin(globalRng, kind);
  usedAsins.add(`${code}:${asin}`);
  const r = rngFor(opts.seed, code, asin, 'shape');
  const text = textPack(code);

  const layout = layouts[(index + (opts.seed % layouts.length)) % layouts.length]!;
  const cycle = Math.floor(index / layouts.length) + opts.seed;
  let variant: PageVariant;
  if (layout === 'old') variant = kind === 'book' ? 'old-book' : OLD_VARIANTS[cycle % OLD_VARIANTS.length]!;
  else variant = kind === 'book' ? NEW_BOOK_VARIANTS[cycle % NEW_BOOK_VARIANTS.length]! : NEW_VARIANTS[cycle % NEW_VARIANTS.length]!;
  if (kind === 'renewed' && variant === 'new-sns') variant = 'new-odf';

  const brand = kind === 'book' ? null : id.pick(BRANDS[kind]).replace('&amp;', '&');
  const author = kind === 'book' ? id.pick(AUTHORS) : null;
  const noun = code === 'jp' ? id.pick(JP_NOUNS[kind]) : id.pick(NOUNS[kind]);
  let title: string;
  if (kind === 'book') title = noun;
  else if (kind === 'renewed') title = `${brand} ${noun} ${text.renewedSuffix}`;
  else title = `${brand} ${noun}, ${id.pick(FEATURES)}, ${id.pick(FEATURES)}`;
  const isVariation = kind === 'fashion';
  const parentAsin = isVariation ? `B0${id.chars(ALNUM, 8)}` : null;
  const siblingAsins = isVariation ? [0, 1, 2].map(() => `B0${id.chars(ALNUM, 8)}`) : [];
  if (isVariation) title = `${title} (${id.pick(SIZES)})`;
  const canonicalAsin = isVariation && index % 2 === 0 ? siblingAsins[0]! : asin;

  const categories = text.categories[kind];
  const backToResultsOnly = r.chance(0.1);
  const breadcrumb = backToResultsOnly ? [] : [...r.pick(categories)];

  const usd = { electronics: [15, 900], home: [10, 300], book: [6, 45], renewed: [80, 700], fashion: [15, 120] }[kind];
  const baseUsd = Math.exp(r.range(Math.log(usd[0]!), Math.log(usd[1]!)));
  const basePrice = shopRound(code, Math.round(baseUsd * FX[code] * minorPerMajor(code)), index);
  const listPrice =
    kind !== 'renewed' && variant !== 'new-sns' && r.chance(0.45) ? shopRound(code, Math.round(basePrice * r.range(1.12, 1.5)), index + 1) : null;

  // Amazon itself does not sell on amazon.in; renewed listings are sold by refurbishers.
  const amazon = code !== 'in' && kind !== 'renewed' && r.chance(kind === 'book' ? 0.6 : 0.55);
  const nNew = kind === 'renewed' ? 0 : amazon ? r.int(0, 4) : r.chance(0.1) ? 0 : r.int(1, 5);
  const usedChance = { electronics: 0.4, home: 0.25, book: 0.75, renewed: 0, fashion: 0.1 }[kind];
  const nUsed = r.chance(usedChance) ? r.int(1, kind === 'book' ? 5 : 3) : 0;
  const usedSellers: UsedSellerRef[] = sellers(r, nUsed, code, true).map((s, i) => ({
    ...s,
    grade: USED_GRADES[Math.min(USED_GRADES.length - 1, i + r.int(0, 1))]!,
  }));
  const warehouse: UsedSellerRef | null =
    amazon && (kind === 'electronics' || kind === 'home') && r.chance(0.3)
      ? { name: text.warehouseName, id: 'A2L77EE7U53NWQ', fba: true, markup: 1, shipping: 0, grade: r.pick(['like_new', 'very_good'] as const) }
      : null;
  const nRenewed = kind === 'renewed' ? r.int(1, 3) : kind === 'electronics' && r.chance(0.25) ? r.int(1, 2) : 0;
  const nCollectible = kind === 'book' && r.chance(0.15) ? 1 : 0;

  const decorations: Decorations = {
    coupon:
      layout === 'new' && kind !== 'book' && r.chance(0.3)
        ? r.chance(0.5)
          ? { kind: 'amount', minor: shopRound(code, Math.round(basePrice * 0.08), 7) }
          : { kind: 'percent', pct: r.pick([5, 10, 15, 20]) }
        : null,
    unitCount: kind === 'home' && r.chance(0.4) ? r.pick([2, 4, 6, 12, 30]) : null,
    monthlyMonths: kind === 'electronics' && baseUsd > 150 && r.chance(0.6) ? r.pick([4, 5, 12]) : null,
    protectionPlans: kind === 'electronics' && r.chance(0.5) ? [Math.max(1, Math.round(basePrice * 0.09)), Math.max(1, Math.round(basePrice * 0.14))] : [],
    snsPct: variant === 'new-sns' ? r.pick([5, 10, 15]) : null,
  };

  const otherFormats =
    kind === 'book'
      ? [
          { format: 'Kindle', asin: `B0${r.chars(ALNUM, 8)}`, price: shopRound(code, Math.round(basePrice * 0.6), 1) },
          { format: 'Hardcover', asin: isbn10(r), price: shopRound(code, Math.round(basePrice * 1.4), 2) },
        ]
      : [];

  return {
    marketplace: code,
    asin,
    index,
    kind,
    title,
    slug: slug(title),
    brand,
    author,
    breadcrumb,
    backToResultsOnly,
    imageId: `${r.int(41, 81)}${r.chars(ALNUM + 'abcdefghijklmnopqrstuvwxyz+-', 8)}L`,
    layout,
    variant,
    parentAsin,
    siblingAsins,
    canonicalAsin,
    basePrice,
    listPrice,
    offers: {
      amazon,
      thirdPartyNew: sellers(r, nNew, code, false),
      used: usedSellers,
      warehouse,
      renewed: sellers(r, nRenewed, code, false),
      collectible: sellers(r, nCollectible, code, true),
    },
    decorations,
    salesRank: r.chance(0.85) ? r.int(1, 250_000) : null,
    rating: Math.round(r.range(3.1, 4.9) * 10) / 10,
    reviewCount: r.int(0, 48_000),
    otherFormats,
  };
}

/** Builds the catalogue for `options`; the same options always give the same catalogue. */
export function buildCatalogue(options: CatalogueOptions): Catalogue {
  if (!Number.isInteger(options.products) || options.products < 1) throw new RangeError('products must be a positive integer');
  const products = new Map<MarketplaceCode, CatalogueProduct[]>();
  const index = new Map<string, CatalogueProduct>();
  const usedAsins = new Set<string>();
  const globalRng = rngFor(options.seed, 'collisions');
  for (const code of options.marketplaces) {
    const list: CatalogueProduct[] = [];
    for (let i = 0; i < options.products; i++) {
      const p = makeProduct(options, code, i, globalRng, usedAsins);
      list.push(p);
      index.set(`${code}:${p.asin}`, p);
    }
    products.set(code, list);
  }
  return {
    seed: options.seed,
    marketplaces: [...options.marketplaces],
    products,
    get: (marketplace, asin) => index.get(`${marketplace}:${asin}`),
  };
}
