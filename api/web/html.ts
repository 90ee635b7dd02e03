/**
 * Server-rendered HTML without a template engine: an `html` tagged template that escapes every
 * interpolated value unless it is already {@link SafeHtml} (the result of another `html` template or
 * of {@link jsonScript}). Pages are small, so strings are enough.
 */

/** HTML that is safe to insert as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c] ?? c);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v: Value) => render(v)).join('');
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<p>${text}</p>\``. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * JSON for a `<script type="application/json">` block: `<` is escaped so no text can close the
 * script element, and the line separators JavaScript once disallowed are escaped too.
 */
export function jsonScript(id: string, json: string): SafeHtml {
  const safe = json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return new SafeHtml(`<script type="application/json" id="${escapeHtml(id)}">${safe}</script>`);
}

/** The page frame: head, header with the search box, main content, scripts. */
export function layout(options: { title: string; body: SafeHtml; scripts?: readonly string[]; styles?: readonly string[]; query?: string }): string {
  const styles = ['/static/app.css', ...(options.styles ?? [])];
  return `<!doctype html>\n${
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Dromedary</title>
${styles.map((s) => html`<link rel="stylesheet" href="${s}">`)}
</head><body>
<header class="top"><a class="brand" href="/">Dromedary</a>
<form class="search" action="/search" method="get" role="search"><input type="search" name="q" value="${options.query ?? ''}" placeholder="Product name, brand, ASIN or Amazon URL" aria-label="Search" maxlength="2000"><button type="submit">Search</button></form>
<nav><a href="/trackings">My trackings</a> <a href="/signup">Sign up</a> <a href="/api/docs">API</a></nav></header>
<main>${options.body}</main>
${(options.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</body></html>`.value
  }\n`;
}
