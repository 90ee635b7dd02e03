/**
 * The bulk of a product page: the scripts, styles, navigation, carousels, descriptions and reviews
 * real pages carry around the data. Generated once per (storefront, layout) from the seed, kept as
 * Buffers with their deflate blocks precomputed, and shared by every page served. It never contains
 * the ids and phrases the data regions and robot checks are recognised by; it does contain the
 * prices of other products (carousels), as real pages do.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { MarketplaceCode } from '../config/index.js';
import type { Layout } from './catalogue.js';
import { textPack } from './locale-text.js';
import { moneyStyle } from './money-format.js';
import { esc } from './page-common.js';
import { Rng, hash32 } from './random.js';

/**
 * A piece of a response: raw bytes, the same bytes as raw deflate blocks ending on a byte boundary
 * (sync flush, not final — pieces concatenate into one deflate stream), and the CRC-32 of the raw bytes.
 */
export interface BodyPart {
  readonly raw: Buffer;
  readonly deflated: Buffer;
  readonly crc: number;
}

/** The noise segments of one (storefront, layout), in page order around the data regions. */
export interface PageNoise {
  /** Doctype, `<html>`, the first head scripts. */
  readonly head0: BodyPart;
  /** Styles, more scripts, `</head><body>`, the navigation bar. */
  readonly head1: BodyPart;
  /** Scripts between the two columns. */
  readonly mid1: BodyPart;
  /** Descriptions, carousels, A+ content, before the product details. */
  readonly mid2: BodyPart;
  /** Reviews, carousels, footer and `</html>`. */
  readonly tail: BodyPart;
  /** Extra carousel/script chunks; a product page carries 0–16 of them, varying page size. */
  readonly fillers: readonly BodyPart[];
  /** Size of the noise without fillers, bytes. */
  readonly baseBytes: number;
}

const WORDS = (
  'the of and to in for with on is this that are as be by from at or an it your you can our more all use easy new quality ' +
  'design perfect great product comfortable durable premium lightweight compact portable material stainless wireless battery ' +
  'warranty customer support package included size colour color fit smooth long lasting powerful performance ideal gift home ' +
  'kitchen office travel outdoor sound clear bass noise control speed power fast charge display screen resolution setting'
).split(' ');

const IDENT = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function words(r: Rng, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += (i ? ' ' : '') + r.pick(WORDS);
  return out;
}

function sentence(r: Rng): string {
  const w = words(r, r.int(8, 22));
  return `${w.charAt(0).toUpperCase()}${w.slice(1)}.`;
}

function ident(r: Rng): string {
  return r.chars(IDENT, r.int(1, 3)) + (r.chance(0.5) ? String(r.int(0, 9)) : '');
}

/** Minified-looking JavaScript, the bulk of a real page. */
function script(r: Rng): string {
  const parts: string[] = [];
  const n = r.int(6, 30);
  for (let i = 0; i < n; i++) {
    const a = ident(r);
    const b = ident(r);
    switch (r.int(0, 5)) {
      case 0:
        parts.push(`function ${a}(${b},c){if(!${b})return null;var d=${b}.${r.pick(WORDS)}||{};for(var e=0;e<d.length;e++){c(d[e],e)}return d}`);
        break;
      case 1:
        parts.push(`P.when("A","${r.pick(WORDS)}-${r.pick(WORDS)}").execute(function(A){var ${a}=A.$;A.on("${r.pick(WORDS)}:${r.pick(WORDS)}",function(){${a}("#${r.pick(WORDS)}-${r.chars(ALNUM, 4).toLowerCase()}").toggle()})});`);
        break;
      case 2:
        parts.push(`var ${a}=${JSON.stringify({ k: r.chars(ALNUM, 12), v: r.int(0, 99999), w: words(r, 3), f: r.chance(0.5) })};`);
        break;
      case 3:
        parts.push(`(function(${a}){${a}.${b}=${a}.${b}||[];${a}.${b}.push(["${r.pick(WORDS)}",${r.int(0, 9999)},"${r.chars(ALNUM, 16)}"])})(window);`);
        break;
      case 4:
        parts.push(`ue.count("${r.pick(WORDS)}:${r.pick(WORDS)}:${r.pick(WORDS)}",${r.int(0, 99)});`);
        break;
      default:
        parts.push(`window.${a}&&window.${a}.${b}&&window.${a}.${b}("${r.chars(ALNUM, 20)}");`);
    }
  }
  return `<script type="text/javascript">\n${parts.join('\n')}\n</script>\n`;
}

function style(r: Rng): string {
  const rules: string[] = [];
  const n = r.int(10, 40);
  for (let i = 0; i < n; i++) {
    rules.push(`.${r.pick(WORDS)}-${r.pick(WORDS)} .a-${r.pick(WORDS)}{margin:${r.int(0, 20)}px ${r.int(0, 20)}px;color:#${r.chars('0123456789abcdef', 6)};display:${r.pick(['block', 'inline-block', 'none', 'flex'])}}`);
  }
  return `<style type="text/css">\n${rules.join('\n')}\n</style>\n`;
}

function cssLink(r: Rng): string {
  const files = Array.from({ length: r.int(5, 25) }, () => `${r.chars(ALNUM + 'abcdefghijklmnopqrstuvwxyz', 11)}.css`).join(',');
  return `<link rel="stylesheet" href="https://m.media-amazon.com/images/I/${r.chars(ALNUM, 11)}._RC|${files}_.css?AUIClients/AmazonUI#${r.int(100000, 999999)}-T1" />\n`;
}

/** A carousel of other products, with their prices (which must never be read as this product's). */
function carousel(r: Rng, code: MarketplaceCode): string {
  const money = moneyStyle(code);
  const cards: string[] = [];
  const n = r.int(5, 12);
  for (let i = 0; i < n; i++) {
    const asin = `B0${r.chars(ALNUM, 8)}`;
    const price = r.int(5, 400) * (money.minorDigits === 0 ? 150 : 100) + (money.minorDigits === 0 ? 0 : 99);
    const text = money.text(price);
    cards.push(
      `<li class="a-carousel-card" role="listitem" aria-setsize="${n}" aria-posinset="${i + 1}"><div class="a-section sp_offerVertical p13n-asin" data-asin="${asin}" data-csa-c-asin="${asin}">` +
        `<a class="a-link-normal" href="/${esc(words(r, 3).replace(/ /g, '-'))}/dp/${asin}/ref=sspa_dk_detail_${i}"><img alt="" src="https://m.media-amazon.com/images/I/${r.chars(ALNUM, 11)}._AC_UL160_SR160,160_.jpg" height="160" width="160">` +
        `<div class="p13n-sc-truncate-desktop-type2">${esc(sentence(r))}</div></a>` +
        `<div class="a-row"><i class="a-icon a-icon-star-small a-star-small-4"><span class="a-icon-alt">4.${r.int(0, 9)} out of 5 stars</span></i> <span class="a-size-small">${r.int(1, 9999)}</span></div>` +
        `<div class="a-row"><span class="a-price" data-a-size="m" data-a-color="price"><span class="a-offscreen">${esc(text)}</span><span aria-hidden="true">${esc(text)}</span></span></div></div></li>`,
    );
  }
  return (
    `<div class="a-section a-spacing-large"><div class="a-carousel-container a-carousel-display-swap" data-a-carousel-options='{"name":"${r.pick(WORDS)}_${r.chars(ALNUM, 6)}"}'>` +
    `<h2 class="a-carousel-heading">${esc(words(r, 4))}</h2><div class="a-carousel-viewport"><ol class="a-carousel" role="list">${cards.join('')}</ol></div></div></div>\n`
  );
}

function description(r: Rng): string {
  const paras = Array.from({ length: r.int(2, 6) }, () => `<p>${esc(Array.from({ length: r.int(2, 6) }, () => sentence(r)).join(' '))}</p>`).join('\n');
  return `<div class="a-section a-spacing-small aplus-module"><div class="aplus-module-wrapper">${paras}</div></div>\n`;
}

function review(r: Rng): string {
  const id = `R${r.chars(ALNUM, 13)}`;
  return (
    `<div id="${id}" data-hook="review" class="a-section review aok-relative"><div class="a-profile-content"><span class="a-profile-name">${esc(words(r, 2))}</span></div>` +
    `<i data-hook="review-star-rating" class="a-icon a-icon-star a-star-${r.int(1, 5)} review-rating"><span class="a-icon-alt">${r.int(1, 5)}.0 out of 5 stars</span></i> ` +
    `<span data-hook="review-title" class="a-size-base review-title a-text-bold">${esc(words(r, 5))}</span>` +
    `<div class="a-row a-spacing-small review-data"><span data-hook="review-body" class="a-size-base review-text"><div data-a-expander-name="review_text_read_more" class="a-expander-content reviewText">` +
    `<span>${esc(Array.from({ length: r.int(2, 8) }, () => sentence(r)).join(' '))}</span></div></span></div></div>\n`
  );
}

function nav(r: Rng, code: MarketplaceCode): string {
  const t = textPack(code);
  const cats = Object.values(t.categories).flat().flat();
  const links = Array.from({ length: r.int(40, 80) }, () => {
    const c = r.pick(cats);
    return `<li><a href="/${esc(c.replace(/\W+/g, '-'))}/b/?node=${r.int(1000000, 99999999)}&amp;ref_=nav_em_${r.chars(ALNUM, 6).toLowerCase()}" class="hmenu-item">${esc(c)}</a></li>`;
  }).join('');
  return `<header id="navbar-main" class="nav-opt-sprite nav-flex nav-locale-${code}"><div id="nav-belt"><div id="nav-logo"><a href="/ref=nav_logo" id="nav-logo-sprites" class="nav-logo-link nav-progressive-attribute" aria-label="Amazon"><span class="nav-sprite nav-logo-base"></span></a></div></div><div id="hmenu-content"><ul class="hmenu hmenu-visible">${links}</ul></div></header>\n`;
}

type Piece = (r: Rng) => string;

function fill(r: Rng, bytes: number, pieces: readonly Piece[]): string {
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const s = r.pick(pieces)(r);
    out.push(s);
    size += Buffer.byteLength(s);
  }
  return out.join('');
}

function part(s: string): BodyPart {
  const raw = Buffer.from(s, 'utf8');
  return { raw, deflated: deflateRawSync(raw, { level: 6, finishFlush: constants.Z_SYNC_FLUSH }), crc: crc32(raw) };
}

export interface NoiseOptions {
  seed: number;
  marketplace: MarketplaceCode;
  layout: Layout;
  /** Mean size of a product page, bytes. */
  pageBytes: number;
}

/** Number of filler chunks a page may carry (0..FILLER_MAX). */
export const FILLER_MAX = 16;

/** Builds the noise of one (storefront, layout). Costs tens of ms per megabyte; done once. */
export function buildPageNoise(o: NoiseOptions): PageNoise {
  const r = new Rng(hash32(o.seed, 'noise', o.marketplace, o.layout));
  const t = textPack(o.marketplace);
  // Mean page = base noise (60 %) + 8 of 16 fillers (5 % each) = 100 % of pageBytes.
  const base = o.pageBytes * 0.6;
  const code = o.marketplace;
  const scriptish: Piece[] = [script, script, style, cssLink];
  const content: Piece[] = [(x) => carousel(x, code), description, script, (x) => carousel(x, code)];
  const reviews: Piece[] = [review, review, (x) => carousel(x, code), script];
  const htmlOpen =
    `<!doctype html><html lang="${t.htmlLang}" class="a-no-js" data-19ax5a9jf="dingo"><!-- sp:feature:head-start -->\n<head><script>var aPageStart = (new Date()).getTime();</script><meta charset="utf-8"/>\n` +
    `<script type='text/javascript'>var ue_t0=ue_t0||+new Date();</script>\n`;
  const head0 = htmlOpen + fill(r, base * 0.16, scriptish);
  const head1 =
    fill(r, base * 0.14, scriptish) +
    `</head>\n<body class="a-m-${code} a-aui_72554-c a-aui_dropdown_187959-c a-aui_pci_risk_banner_210084-c a-meter-animate dp ${o.layout === 'old' ? 'a-lt-ie10' : 'a-ember'}">\n` +
    `<div id="a-page"><script type="a-state" data-a-state='{"key":"a-wlab-states"}'>{"AUI_ACCESSIBILITY_ENHANCEMENTS_256012":"T1"}</script>\n` +
    nav(r, code);
  const mid1 = fill(r, base * 0.08, [script, style]);
  const mid2 = fill(r, base * 0.36, content);
  const tail =
    `<div id="customerReviews" class="a-section review-views">\n` +
    fill(r, base * 0.26, reviews) +
    `</div>\n<div id="navFooter" class="navLeftFooter nav-sprite-v1">${fill(r, 2000, [(x) => `<a href="/gp/help/customer/display.html?nodeId=${x.int(100000, 999999)}" class="nav_a">${esc(words(x, 2))}</a> `])}</div>\n` +
    `</div>\n</body></html>\n`;
  const fillers = Array.from({ length: 4 }, () => part(fill(r, o.pageBytes * 0.05, content)));
  const parts = { head0: part(head0), head1: part(head1), mid1: part(mid1), mid2: part(mid2), tail: part(tail) };
  const baseBytes = parts.head0.raw.length + parts.head1.raw.length + parts.mid1.raw.length + parts.mid2.raw.length + parts.tail.raw.length;
  return { ...parts, fillers, baseBytes };
}
