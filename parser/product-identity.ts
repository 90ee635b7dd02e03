/**
 * Which product a page is about: its own ASIN (never the parent's hidden input, never a sibling
 * variation's canonical link), parent ASIN, title, brand, breadcrumb and main image.
 */
import { byTag, closest, findAll, findFirst, hasClass, normalizeSpace, textOf } from './dom-query.js';
import { BYLINE_PATTERNS } from './lexicon.js';
import { openElementAt, startTagAttributes } from './markup-scan.js';
import { firstOf, type PageView } from './page-view.js';

const ASIN_RE = /^[A-Z0-9]{10}$/;
/** The head and the first scripts: where `ue_pti` and the canonical link live. */
const HEAD_WINDOW = 400_000;

/** The page's identifiers. */
export interface PageIdentity {
  readonly asin: string | null;
  readonly parentAsin: string | null;
  readonly canonicalAsin: string | null;
}

/**
 * The page's own ASIN, from the most specific source: the `#ASIN` input of the add-to-cart form
 * (a name-only `ASIN` input may hold the parent), the page-type id `ue_pti`, the twister's
 * `currentAsin`, the request URL, and last the canonical link (which can name a sibling variation).
 */
export function readIdentity(view: PageView, url: string | undefined): PageIdentity {
  const text = view.source.text;
  const head = text.length > HEAD_WINDOW ? text.slice(0, HEAD_WINDOW) : text;
  const canonicalAsin = readCanonicalAsin(view, head);
  const scalars = scanAsinScalars(text);
  // Sources in order of trust, read lazily: the first well-formed one wins.
  const sources: (() => string | null | undefined)[] = [
    () => view.all('ASIN').map((r) => r.attr('value')?.trim().toUpperCase()).find((v) => v && ASIN_RE.test(v)),
    () => uePti(head),
    () => scalars.current,
    () => (url ? asinFromUrl(url) : null),
    () => canonicalAsin,
  ];
  let asin: string | null = null;
  for (const source of sources) {
    const value = source();
    if (typeof value === 'string' && ASIN_RE.test(value)) {
      asin = value;
      break;
    }
  }
  const parentAsin = scalars.parent && scalars.parent !== asin ? scalars.parent : null;
  return { asin, parentAsin, canonicalAsin };
}

/** `ue_pti = "B0…"`: the page-type id Amazon's own telemetry records for the page. */
function uePti(head: string): string | null {
  for (let i = head.indexOf('ue_pti'), n = 0; i >= 0 && n < 20; i = head.indexOf('ue_pti', i + 6), n++) {
    const value = /^ue_pti\s*=\s*["']([A-Z0-9]{10})["']/.exec(head.slice(i, i + 40))?.[1];
    if (value) return value;
  }
  return null;
}

/**
 * `currentAsin` and `parentAsin` from the page's scripts ("currentAsin" : "B0…", parentAsin=B0…),
 * found in one pass over the occurrences of "Asin" (a short needle is the fastest full-page search).
 */
function scanAsinScalars(text: string): { current: string | null; parent: string | null } {
  let current: string | null = null;
  let parent: string | null = null;
  let i = text.indexOf('Asin');
  while (i >= 0 && (current === null || parent === null)) {
    const word = text.slice(Math.max(0, i - 7), i);
    const isCurrent = current === null && word.endsWith('current');
    const isParent = parent === null && word.endsWith('parent');
    if (isCurrent || isParent) {
      const value = /^Asin["']?\s*[:=]\s*["']?([A-Z0-9]{10})(?![A-Za-z0-9])/.exec(text.slice(i, i + 40))?.[1];
      if (value && isCurrent) current = value;
      if (value && isParent) parent = value;
    }
    i = text.indexOf('Asin', i + 4);
  }
  return { current, parent };
}

/** The ASIN in a product URL's path (`/dp/X`, `/gp/product/X`, `/gp/offer-listing/X`) or `asin=` query. */
export function asinFromUrl(url: string): string | null {
  const path = /\/(?:dp|gp\/product|gp\/aw\/d|gp\/offer-listing|product-reviews|exec\/obidos\/asin|o\/asin)\/([A-Za-z0-9]{10})(?=[/?#&]|$)/i.exec(url);
  if (path?.[1]) return path[1].toUpperCase();
  const query = /[?&]asin=([A-Za-z0-9]{10})(?=&|#|$)/i.exec(url);
  return query?.[1] ? query[1].toUpperCase() : null;
}

function readCanonicalAsin(view: PageView, head: string): string | null {
  const href = canonicalHref(view, head);
  return href ? asinFromUrl(href) : null;
}

/** The canonical link's href, or null. */
export function canonicalHref(view: PageView, head: string): string | null {
  let at = head.indexOf('rel="canonical"');
  if (at < 0) at = /rel=["']?canonical["']?/i.exec(head)?.index ?? -1;
  if (at < 0) return null;
  const span = openElementAt(view.source.text, at - 1);
  if (!span) return null;
  return startTagAttributes(view.source.decode(span.start, span.openEnd)).get('href') ?? null;
}

/** The product title as the page shows it. */
export function readTitle(view: PageView): string | null {
  const el = firstOf(view, ['productTitle', 'ebooksProductTitle', 'btAsinTitle'])?.element();
  const title = textOf(el);
  return title || null;
}

/** The wayfinding breadcrumb joined with " > ", or null when there is none or only "Back to results". */
export function readBreadcrumb(view: PageView): string | null {
  const root = firstOf(view, ['wayfinding-breadcrumbs_feature_div', 'wayfinding-breadcrumbs_container'])?.element();
  if (!root) return null;
  const parts = byTag(root, 'a')
    .filter((a) => a.attribs['id'] !== 'breadcrumb-back-link' && !(a.attribs['onclick'] ?? '').includes('history.back'))
    .map((a) => textOf(a))
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
  return parts.length > 0 ? parts.join(' > ') : null;
}

/** The main product image URL. */
export function readImageUrl(view: PageView): string | null {
  for (const id of ['landingImage', 'imgBlkFront', 'ebooksImgBlkFront', 'main-image', 'imgBlkFront']) {
    const region = view.first(id);
    if (!region) continue;
    const hires = region.attr('data-old-hires');
    if (hires && /^https?:/.test(hires)) return hires;
    const src = region.attr('src');
    if (src && /^https?:/.test(src)) return src;
    const dynamic = region.attr('data-a-dynamic-image');
    const first = dynamic ? /"(https?:[^"]+)"/.exec(dynamic)?.[1] : undefined;
    if (first) return first;
  }
  return null;
}

/** Store / program names that a byline shows where the brand would be. */
const NOT_A_BRAND = /^amazon renewed$|^amazon warehouse$|^visit the store$/i;

/** Product groups whose byline names a contributor or publisher, not a brand. */
const MEDIA_GROUP = /^(?:book|ebooks|digital_ebook_purchase|video_games|digital_video_games|music|digital_music_purchase|dvd|video|digital_video_download|audible|kindle)/;

/** Brand read from the byline, the brand logo link, or the details table. Null for books and other media. */
export function readBrand(view: PageView, title: string | null): string | null {
  const byline = view.first('bylineInfo')?.element() ?? null;
  let candidate: string | null = null;
  let weak = false;
  if (byline) {
    if (findFirst(byline, (el) => hasClass(el, 'author') || hasClass(el, 'contribution'))) return null;
    const feature = view.first('bylineInfo_feature_div')?.element() ?? null;
    const read = brandFromByline(textOf(byline), feature ? textOf(feature) : '');
    candidate = read.brand;
    weak = read.weak;
  }
  if (!candidate) {
    const logo = view.first('brand');
    const logoText = textOf(logo?.element());
    candidate = logoText || brandFromHref(logo?.attr('href')) || null;
    if (candidate && !logoText) candidate = matchTitleCase(candidate, title);
  }
  if (candidate && NOT_A_BRAND.test(candidate)) candidate = null;
  if (!candidate) return brandFromDetails(view);
  if (weak && isMediaPage(view)) return null;
  return candidate;
}

function brandFromByline(linkText: string, featureText: string): { brand: string | null; weak: boolean } {
  const text = normalizeSpace(featureText || linkText);
  for (const [i, re] of BYLINE_PATTERNS.entries()) {
    const m = re.exec(text);
    if (m?.[1]) return { brand: m[1].trim(), weak: i === BYLINE_PATTERNS.length - 1 };
  }
  return { brand: linkText || null, weak: false };
}

/** "CLARKS" from `/CLARKS/b/...field-lbr_brands_browse-bin=CLARKS`. */
function brandFromHref(href: string | undefined): string | null {
  if (!href) return null;
  const bin = /field-lbr_brands_browse-bin=([^&]+)/.exec(href)?.[1] ?? /field-brandtextbin=([^&]+)/.exec(href)?.[1];
  if (!bin) return null;
  try {
    return decodeURIComponent(bin.replace(/\+/g, ' ')).trim() || null;
  } catch {
    return null;
  }
}

/** A brand taken from a link slug loses its case; the title usually starts with the brand as written. */
function matchTitleCase(brand: string, title: string | null): string {
  if (title && title.toLowerCase().startsWith(brand.toLowerCase())) return title.slice(0, brand.length);
  return brand;
}

const BRAND_LABELS = /^(?:brand|brand name|marca|marke|marque|marchio|ブランド|marka|merk|manufacturer brand)\s*[:：‏‎]*$/i;

/** The "Brand" row of the product overview or details table. */
function brandFromDetails(view: PageView): string | null {
  for (const id of ['productOverview_feature_div', 'detailBullets_feature_div', 'productDetails_techSpec_section_1', 'prodDetails', 'technicalSpecifications_section_1', 'detail-bullets']) {
    const root = view.first(id)?.element();
    if (!root) continue;
    for (const row of findAll(root, (el) => el.name === 'tr' || el.name === 'li')) {
      const cells = findAll(row, (el) => el.name === 'th' || el.name === 'td' || (el.name === 'span' && hasClass(el, 'a-text-bold')));
      const label = cells[0];
      if (!label || !BRAND_LABELS.test(textOf(label))) continue;
      const valueCell = cells.find((c) => c !== label && !closest(c, (p) => p === label, row));
      const value = valueCell ? textOf(valueCell) : textOf(row).slice(textOf(label).length);
      const clean = value.replace(/^[\s:：‏‎]+/, '').trim();
      if (clean) return clean;
    }
  }
  return null;
}

/** Books, e-books, music, films and games: their bylines name authors, artists or publishers. */
function isMediaPage(view: PageView): boolean {
  if (['platformInformation_feature_div', 'booksTitle', 'tmmSwatches', 'bookDescription_feature_div', 'MediaMatrix'].some((id) => view.has(id))) return true;
  const dpClass = view.first('dp')?.attr('class') ?? '';
  if (MEDIA_GROUP.test(dpClass)) return true;
  const group = /productGroupID["']?\s*[:=]\s*["']([a-z_]+)["']/.exec(view.source.text)?.[1] ?? '';
  return MEDIA_GROUP.test(group);
}
