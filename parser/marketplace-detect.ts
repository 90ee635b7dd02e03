/**
 * Which storefront a saved page comes from, when nobody says: the URL's host, else Amazon's
 * marketplace id in the page head (`ue_mid`), else the canonical link's host.
 */
import { MARKETPLACE_CODES, MARKETPLACES, marketplaceForHost, type MarketplaceCode } from '../config/index.js';
import { openSource } from './page-source.js';

/** How far into the page the head markers are searched, bytes. */
const HEAD_WINDOW = 400_000;

/** The marketplace of `url` or of the page itself; null when nothing tells. */
export function detectMarketplace(html: string | Uint8Array, url?: string): MarketplaceCode | null {
  if (url) {
    const fromUrl = marketplaceFromUrl(url);
    if (fromUrl) return fromUrl;
  }
  const opened = openSource(html);
  if (!opened.ok) return null;
  const text = opened.source.text;
  const head = text.length > HEAD_WINDOW ? text.slice(0, HEAD_WINDOW) : text;
  const mid = /ue_mid\s*=\s*["']([A-Z0-9]{8,20})["']/.exec(head)?.[1] ?? /[?&;]marketplaceId=([A-Z0-9]{8,20})/.exec(head)?.[1];
  if (mid) {
    const code = MARKETPLACE_CODES.find((c) => MARKETPLACES[c].marketplaceId === mid);
    if (code) return code;
  }
  const canonical = /<link[^>]{0,200}rel=["']canonical["'][^>]{0,200}href=["'](https?:\/\/[^"'/]{1,100})/i.exec(head)?.[1] ?? /<link[^>]{0,200}href=["'](https?:\/\/[^"'/]{1,100})[^>]{0,500}rel=["']canonical["']/i.exec(head)?.[1];
  if (canonical) {
    const fromCanonical = marketplaceFromUrl(canonical);
    if (fromCanonical) return fromCanonical;
  }
  return null;
}

/** The marketplace of an Amazon URL, or null for other hosts and malformed URLs. */
export function marketplaceFromUrl(url: string): MarketplaceCode | null {
  try {
    const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
    return (marketplaceForHost(parsed.hostname)?.code as MarketplaceCode | undefined) ?? null;
  } catch {
    return null;
  }
}
