/** The web addresses alerts link to: the API's verify / unsubscribe routes and the product page. */
import { type Config, type MarketplaceCode, productUrl } from '../config/index.js';

/** Where people reach the web app: `api.publicUrl`, else the API's own address. No trailing slash. */
export function publicBaseUrl(config: Config): string {
  const base = config.api.publicUrl ?? `http://${config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host}:${config.api.port}`;
  return base.replace(/\/+$/, '');
}

/** The double opt-in link (`GET /verify?token=…`). */
export function verifyUrl(config: Config, token: string): string {
  return `${publicBaseUrl(config)}/verify?token=${encodeURIComponent(token)}`;
}

/** The one-click unsubscribe link (`GET` shows a confirmation, `POST` unsubscribes — RFC 8058). */
export function unsubscribeUrl(config: Config, token: string): string {
  return `${publicBaseUrl(config)}/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The product's page on the web app. */
export function productPageUrl(config: Config, marketplace: MarketplaceCode, asin: string): string {
  return `${publicBaseUrl(config)}/products/${marketplace}/${asin}`;
}

/** The product on Amazon (or on the configured stand-in storefront). */
export function amazonUrl(config: Config, marketplace: MarketplaceCode, asin: string): string {
  return productUrl(config, marketplace, asin);
}
