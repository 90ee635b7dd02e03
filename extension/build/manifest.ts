/**
 * The extension's manifest for each browser, from one description. Chrome and Firefox differ in
 * Manifest V3 in three places: the background (a service worker in Chrome, event-page `scripts` in
 * Firefox), Firefox's `browser_specific_settings.gecko` (add-on id, oldest version, data use), and
 * host permissions — granted at install in Chrome, opt-in in Firefox (the options page asks).
 * Storefront match patterns come from the marketplace catalogue, so a new marketplace needs no edit.
 */
import { MARKETPLACES } from '../../config/index.js';

/** The browsers a build targets. */
export const BROWSERS = ['chrome', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];

/** Firefox's add-on id (stable across versions: it keys the user's stored settings). */
export const GECKO_ID = 'price-tracker@dromedary';
/** Oldest Firefox: 140 (ESR), the first to read `data_collection_permissions`; Firefox for Android reads it from 142. */
export const FIREFOX_MIN_VERSION = '140.0';
export const FIREFOX_ANDROID_MIN_VERSION = '142.0';
/** Oldest Chrome: 121 (promise-based APIs, `optional_host_permissions`, modern service workers). */
export const CHROME_MIN_VERSION = '121';

/** `https://*.amazon.de/*` for every storefront: what the extension may read (tab URLs) and decorate. */
export function storefrontHostPatterns(): string[] {
  return Object.values(MARKETPLACES).map((m) => `https://*.${m.domain}/*`);
}

/** Product-page match patterns of every storefront: /dp/ (with or without a slug), /gp/product/, /gp/aw/d/. */
export function productPagePatterns(): string[] {
  return Object.values(MARKETPLACES).flatMap((m) => [`https://*.${m.domain}/*dp/*`, `https://*.${m.domain}/gp/product/*`, `https://*.${m.domain}/gp/aw/d/*`]);
}

/** A local server (`dromedary start` listens on 127.0.0.1:8080) is reachable without a prompt; any other server is asked for on the options page. */
const LOCAL_SERVER_PATTERNS = ['*://127.0.0.1/*', '*://localhost/*'];

/** The manifest of `browser`, version `version`. */
export function buildManifest(browser: Browser, version: string): Record<string, unknown> {
  const icons = { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png', 48: 'icons/icon-48.png', 128: 'icons/icon-128.png' };
  const common = {
    manifest_version: 3,
    name: 'Dromedary price tracker',
    short_name: 'Dromedary',
    version,
    description: 'Price history and good-deal verdicts from your own Dromedary server under the Amazon buy box; track a product in one click.',
    icons,
    action: { default_popup: 'popup.html', default_title: 'Dromedary', default_icon: { 16: icons[16], 32: icons[32] } },
    options_ui: { page: 'options.html', open_in_tab: true },
    content_scripts: [{ matches: productPagePatterns(), js: ['content.js'], run_at: 'document_start' }],
    permissions: ['storage'],
    host_permissions: [...storefrontHostPatterns(), ...LOCAL_SERVER_PATTERNS],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
  };
  switch (browser) {
    case 'chrome':
      return { ...common, background: { service_worker: 'background.js' }, minimum_chrome_version: CHROME_MIN_VERSION };
    case 'firefox':
      return {
        ...common,
        background: { scripts: ['background.js'] },
        browser_specific_settings: {
          gecko: {
            id: GECKO_ID,
            strict_min_version: FIREFOX_MIN_VERSION,
            // The product page's address goes to the user's own server: browsing activity, by Mozilla's categories.
            data_collection_permissions: { required: ['browsingActivity'] },
          },
          gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
        },
      };
  }
}
