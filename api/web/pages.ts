/**
 * The small pages: home (search and top drops), search results, my trackings, sign-up, and the
 * confirmation pages of the email links (verify, unsubscribe).
 */
import { type MarketplaceCode, getMarketplace } from '../../config/index.js';
import { moneyFormatter } from '../../charts/index.js';
import type { ProductSearchHit } from '../../storage/index.js';
import type { TopDropItem } from '../services/top-drops-service.js';
import { type SafeHtml, html, layout } from './html.js';

function money(marketplace: MarketplaceCode, minor: number | null): string {
  if (minor === null) return '—';
  const market = getMarketplace(marketplace);
  return moneyFormatter(market.currency, market.locale)(minor);
}

function dropList(drops: readonly TopDropItem[]): SafeHtml {
  if (drops.length === 0) return html`<p>No price drops this week yet.</p>`;
  return html`<ol class="drops">${drops.map(
    (d) => html`<li><a href="${d.links.page}"><img src="${d.links.chartImage}&amp;w=240&amp;h=100" width="240" height="100" alt="" loading="lazy">
<span class="t">${d.title || d.asin}</span></a>
<span class="p">${money(d.marketplace, d.price)}</span> <span class="was">was ${money(d.marketplace, d.previousPrice)}</span>
<span class="drop">−${d.dropPercent} %</span></li>`,
  )}</ol>`;
}

/** Home: the search box (in the header) and this week's top drops. */
export function homePage(drops: readonly TopDropItem[], marketplace: MarketplaceCode): string {
  const body = html`<section class="intro"><h1>Amazon price history and alerts</h1>
<p>Search a product by name, brand, ASIN or Amazon link; see its price history; get an email when it drops.</p>
<form class="big-search" action="/search" method="get"><input type="search" name="q" placeholder="e.g. wireless headphones, B0EXAMPLE1 or a link to a product on ${getMarketplace(marketplace).domain}" aria-label="Search products" maxlength="2000"><button type="submit">Search</button></form></section>
<section><h2>Top price drops this week <a class="rss" href="/api/v1/drops.rss?marketplace=${marketplace}&amp;period=1w">RSS</a></h2>${dropList(drops)}</section>`;
  return layout({ title: 'Price tracker', body });
}

/** Search results. */
export function searchPage(query: string, hits: readonly ProductSearchHit[], page: { offset: number; limit: number; hasMore: boolean }, error?: string): string {
  const next = `/search?q=${encodeURIComponent(query)}&offset=${page.offset + page.limit}`;
  const body = html`<h1>Results for “${query}”</h1>
${error ? html`<p class="error">${error}</p>` : ''}
${hits.length === 0 && !error ? html`<p>Nothing found. Try other words, an ASIN or an Amazon product link.</p>` : ''}
<ol class="results" start="${page.offset + 1}">${hits.map(
    (h) => html`<li><a href="/products/${h.marketplace}/${h.asin}">${h.title || h.asin}</a> <span class="meta">${h.brand} · ${h.marketplace} · ${h.asin}</span></li>`,
  )}</ol>
${page.hasMore ? html`<p><a href="${next}">More results</a></p>` : ''}`;
  return layout({ title: `Search: ${query}`, body, query });
}

/**
 * My trackings: the script keeps the user's API token in this browser's localStorage (never in a
 * cookie, so no other site can make the browser use it) and calls the API with it.
 */
export function trackingsPage(): string {
  const body = html`<h1>My trackings</h1>
<section id="signin" hidden><p>Paste your API token (you received it when you signed up, or create one with another token).</p>
<form id="token-form"><input id="token-input" type="password" autocomplete="off" placeholder="drm_…" required minlength="10" maxlength="200" aria-label="API token"><button type="submit">Use token</button></form>
<p>No account yet? <a href="/signup">Sign up</a>.</p></section>
<section id="account" hidden><p>Signed in as <strong id="account-email"></strong> <span id="account-verified"></span> <button type="button" id="signout">Forget token</button></p>
<form id="track-form" class="track-form"><h2>Track a product</h2>
<input name="product" placeholder="ASIN or Amazon link" required maxlength="2000" aria-label="Product">
<select name="condition" aria-label="Condition"><option value="new">New</option><option value="used">Used</option><option value="refurbished">Refurbished</option><option value="any">Any</option></select>
<input name="targetPrice" type="number" step="0.01" min="0" placeholder="Target price" aria-label="Target price">
<input name="dropPercent" type="number" step="1" min="1" max="100" placeholder="Drop %" aria-label="Drop percent">
<button type="submit">Track</button></form>
<p id="message" role="status"></p>
<table class="trackings"><thead><tr><th>Product</th><th>Condition</th><th>Latest price</th><th>Target price</th><th>Drop %</th><th></th></tr></thead><tbody id="trackings-body"></tbody></table>
</section>`;
  return layout({ title: 'My trackings', body, scripts: ['/static/trackings.js'] });
}

/** Sign-up: the script posts the address and shows the new token once. */
export function signUpPage(): string {
  const body = html`<h1>Sign up</h1>
<form id="signup-form"><input type="email" name="email" required maxlength="254" placeholder="you@example.com" aria-label="Email"><button type="submit">Sign up</button></form>
<p id="signup-result" role="status"></p>
<p>We send a confirmation link: price alerts go only to confirmed addresses. Your API token is shown once, kept in this browser, and lets the extension and the API act for you.</p>`;
  return layout({ title: 'Sign up', body, scripts: ['/static/signup.js'] });
}

/** A short page after an email link (verified, unsubscribed, or why not). */
export function messagePage(title: string, message: string, extra?: SafeHtml): string {
  return layout({ title, body: html`<h1>${title}</h1><p>${message}</p>${extra ?? ''}` });
}

/** The unsubscribe confirmation: a GET only shows it (link scanners must not unsubscribe anyone). */
export function unsubscribePage(token: string): string {
  return messagePage(
    'Unsubscribe',
    'Stop price alert emails?',
    html`<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}
