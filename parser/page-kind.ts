/**
 * What kind of page this is. A robot check comes as HTTP 200 as well as 503, so the status code is
 * never trusted: a page is a product only when it carries product markup and an ASIN, and a robot
 * check or a dog page is recognised by Amazon's own markers, whatever the status.
 */
import type { PageView } from './page-view.js';

/** The classification of a page before its fields are read. */
export type PageClass =
  | { readonly kind: 'captcha'; readonly variant: 'image' | 'button' | 'waf_challenge' | 'other' }
  | { readonly kind: 'error'; readonly errorKind: 'server_error' | 'not_found' }
  | { readonly kind: 'offer_listing'; readonly flavor: 'aod' | 'page' }
  | { readonly kind: 'product' }
  | { readonly kind: 'unknown' };

/** Ids only product detail pages have. */
const PRODUCT_IDS = ['productTitle', 'dp-container', 'ppd', 'centerCol', 'buybox', 'title_feature_div', 'titleblock_feature_div'];
/** Ids of the All Offers Display fragment. */
const AOD_IDS = ['aod-offer-list', 'aod-pinned-offer', 'aod-offer', 'aod-container', 'aod-total-offer-count'];
/** Ids of the old full-page offer listing. */
const OFFER_LISTING_IDS = ['olpOfferList', 'olpProduct', 'olpOfferListColumn'];

/** Options for {@link classifyPage}. */
export interface ClassifyOptions {
  /** The HTTP status the page came with, when known: used only for pages that match nothing else. */
  readonly statusCode?: number;
}

/** Classifies the page. Reads ids from the index and searches raw text only on small or non-product pages. */
export function classifyPage(view: PageView, options: ClassifyOptions = {}): PageClass {
  const text = view.source.text;
  const productish = PRODUCT_IDS.some((id) => view.has(id));
  if (!productish) {
    // Offer listings carry their own ids; robot checks and dog pages never do.
    if (AOD_IDS.some((id) => view.has(id))) return { kind: 'offer_listing', flavor: 'aod' };
    if (OFFER_LISTING_IDS.some((id) => view.has(id))) return { kind: 'offer_listing', flavor: 'page' };
    const captcha = captchaVariant(text);
    if (captcha) return { kind: 'captcha', variant: captcha };
    const error = errorKind(text);
    if (error) return { kind: 'error', errorKind: error };
    const status = options.statusCode;
    if (status !== undefined && (status === 404 || status === 410)) return { kind: 'error', errorKind: 'not_found' };
    if (status !== undefined && status >= 500) return { kind: 'error', errorKind: 'server_error' };
    return { kind: 'unknown' };
  }
  // A product page never carries a captcha form; a small page with product ids might be a stub.
  if (text.length < 64_000) {
    const captcha = captchaVariant(text);
    if (captcha) return { kind: 'captcha', variant: captcha };
  }
  return { kind: 'product' };
}

/** The robot-check shape, or null. */
function captchaVariant(text: string): 'image' | 'button' | 'waf_challenge' | 'other' | null {
  if (/gokuProps|awsWafCookieDomainList|AwsWafIntegration|\/challenge\.js|captcha\.awswaf/.test(text)) return 'waf_challenge';
  const form = text.includes('/errors/validateCaptcha');
  const opf = text.includes('opfcaptcha');
  const image = /captchacharacters|\/captcha\/[^"']{1,200}\.(?:jpg|png)|Type the characters you see|Enter the characters you see|<title[^>]{0,100}>\s*Robot Check\s*<\/title>/i.test(text);
  if (image && (form || opf || /Robot Check/i.test(text))) return 'image';
  if (form) return image ? 'image' : 'button';
  if (opf) return 'other';
  if (/<title[^>]{0,100}>\s*Robot Check\s*<\/title>/i.test(text)) return 'image';
  return null;
}

/** Amazon's dog pages: 500/503 ("Sorry! Something went wrong!") and 404 ("Page Not Found"). */
function errorKind(text: string): 'server_error' | 'not_found' | null {
  if (/ref=cs_404|\/error\/\w*404|not a functioning page|<title[^>]{0,100}>[^<]{0,40}Page Not Found/i.test(text)) return 'not_found';
  if (/ref=cs_50[03]|\/error\/500_503|dogsofamazon|<title[^>]{0,100}>\s*Sorry! Something went wrong/i.test(text)) return 'server_error';
  return null;
}
