/**
 * RSS 2.0 documents (top drops, a user's alerts). Every text is XML-escaped; links are absolute
 * (feed readers resolve nothing), built on `api.publicUrl` or the server's own address.
 */

/** One feed entry. */
export interface RssItem {
  title: string;
  /** Absolute URL. */
  link: string;
  /** Stable id of the entry (readers use it to tell entries apart). */
  guid: string;
  /** Epoch ms. */
  publishedAt: number;
  description: string;
}

/** A feed. */
export interface RssFeed {
  title: string;
  /** Absolute URL of the page the feed belongs to. */
  link: string;
  /** Absolute URL of the feed itself. */
  self: string;
  description: string;
  items: readonly RssItem[];
}

/** The feed as an RSS 2.0 document. */
export function renderRss(feed: RssFeed): string {
  const items = feed.items
    .map(
      (i) =>
        `<item><title>${xml(i.title)}</title><link>${xml(i.link)}</link><guid isPermaLink="false">${xml(i.guid)}</guid>` +
        `<pubDate>${new Date(i.publishedAt).toUTCString()}</pubDate><description>${xml(i.description)}</description></item>`,
    )
    .join('\n');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>' +
    `<title>${xml(feed.title)}</title><link>${xml(feed.link)}</link><description>${xml(feed.description)}</description>` +
    `<atom:link href="${xml(feed.self)}" rel="self" type="application/rss+xml"/>` +
    `<lastBuildDate>${new Date(feed.items[0]?.publishedAt ?? Date.now()).toUTCString()}</lastBuildDate>\n${items}\n</channel></rss>\n`
  );
}

/** Escapes text for XML content and attribute values; drops characters XML 1.0 forbids. */
export function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
