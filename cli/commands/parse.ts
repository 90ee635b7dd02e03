/**
 * `dromedary parse FILE`: reads a saved Amazon page (or `-` for standard input) and shows what the
 * parser sees — for a person asking "why is this price wrong?".
 */
import { open, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { getMarketplace, type MarketplaceCode } from '../../config/index.js';
import { DEFAULT_MAX_PAGE_BYTES, detectMarketplace, parseOffers, parsePage, toPageReport, type PageReport, type ParsedOffers } from '../../parser/index.js';
import { printJson } from '../context.js';
import { InputError, UsageError } from '../errors.js';

interface ParseFlags {
  marketplace?: string;
  url?: string;
  json?: boolean;
  offers?: string;
  status?: string;
  maxBytes: string;
}

/** Registers `dromedary parse`. */
export function registerParseCommands(program: Command): void {
  program
    .command('parse')
    .description('parse a saved Amazon page (product, robot check, error page, offer listing) and show what was read')
    .argument('<file>', 'HTML file, or - for standard input')
    .option('-m, --marketplace <code>', 'storefront of the page (default: from --url or the page itself)')
    .option('--url <url>', 'URL the page was fetched from (marketplace and ASIN fallback)')
    .option('--offers <file>', 'an All Offers Display fragment or offer-listing page for the same product')
    .option('--status <code>', 'HTTP status the page came with (classifies pages that match nothing else)')
    .option('--max-bytes <n>', 'largest input accepted, bytes', String(DEFAULT_MAX_PAGE_BYTES))
    .option('--json', 'print one JSON object (prices as decimal numbers in the currency)')
    .action(async (file: string, flags: ParseFlags) => {
      const maxBytes = Number(flags.maxBytes);
      if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new UsageError('--max-bytes must be a positive integer');
      const status = flags.status === undefined ? undefined : Number(flags.status);
      if (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) throw new UsageError('--status must be an HTTP status code');
      const report = await parseFile(file, { ...flags, maxBytes, status });
      if (flags.json) printJson(report);
      else process.stdout.write(formatReport(report));
    });
}

/** Reads, parses and reports one page (and optional offers file). */
export async function parseFile(
  file: string,
  flags: { marketplace?: string; url?: string; offers?: string; maxBytes: number; status: number | undefined },
): Promise<PageReport> {
  const body = await readInput(file, flags.maxBytes);
  const explicit = flags.marketplace ? (getMarketplace(flags.marketplace).code as MarketplaceCode) : null;
  const detected = explicit ?? detectMarketplace(body, flags.url);
  const marketplace = detected ?? 'us';
  const page = parsePage(body, { marketplace, url: flags.url, statusCode: flags.status, maxBytes: flags.maxBytes });
  if (!detected && (page.kind === 'product' || page.kind === 'offer_listing')) {
    throw new UsageError('cannot tell which storefront this page is from: pass --marketplace (us, uk, de, …) or --url');
  }
  let offers: ParsedOffers | null = null;
  if (flags.offers) offers = parseOffers(await readInput(flags.offers, flags.maxBytes), { marketplace, url: flags.url, maxBytes: flags.maxBytes });
  return toPageReport(page, offers);
}

/** The whole file (or standard input) as bytes, refusing anything larger than `maxBytes`. */
async function readInput(file: string, maxBytes: number): Promise<Buffer> {
  if (file === '-') return readStdin(maxBytes);
  const info = await stat(file);
  if (info.isDirectory()) throw new InputError(`${file} is a directory, not a page`);
  if (info.size > maxBytes) throw new InputError(`${file} is ${info.size} bytes, more than the ${maxBytes}-byte limit (--max-bytes)`);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) throw new InputError(`${file} grew past the ${maxBytes}-byte limit while being read`);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readStdin(maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buf.length;
    if (total > maxBytes) {
      process.stdin.destroy();
      throw new InputError(`standard input is larger than the ${maxBytes}-byte limit (--max-bytes)`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

/** The report for a person: one field per line, money with its currency. */
export function formatReport(r: PageReport): string {
  const money = (n: number | null): string => (n === null ? '—' : `${n} ${r.currency ?? ''}`.trim());
  const lines: [string, string][] = [['kind', r.kind + (r.detail ? ` (${r.detail})` : '') + (r.layout ? `, ${r.layout} layout` : '')]];
  if (r.kind === 'product' || r.kind === 'offer_listing') {
    lines.push(
      ['marketplace', `${r.marketplace} (${r.currency ?? '?'})`],
      ['asin', r.asin ?? '—'],
      ['title', r.title ?? '—'],
    );
  }
  if (r.kind === 'product') {
    lines.push(
      ['parent asin', r.parent_asin ?? '—'],
      ['brand', r.brand ?? '—'],
      ['breadcrumb', r.breadcrumb ?? '—'],
      ['availability', r.availability + (r.availability_text ? ` ("${r.availability_text}")` : '')],
      ['buy box', r.buy_box ? `${money(r.buy_box.price)}, ${r.buy_box.condition}, sold by ${r.buy_box.seller_name ?? '?'} (${r.buy_box.seller})` : 'none'],
      ['seller', r.seller],
      ['price new', money(r.price_new)],
      ['price used', money(r.price_used)],
      ['price refurbished', money(r.price_refurbished)],
      ['list price', money(r.list_price)],
    );
    if (r.subscribe_save_price !== null) lines.push(['subscribe & save', money(r.subscribe_save_price)]);
    if (r.warehouse_price !== null) lines.push(['warehouse', money(r.warehouse_price)]);
    if (r.price_range) lines.push(['price range', `${money(r.price_range.min)} – ${money(r.price_range.max)}`]);
    for (const s of r.offer_summaries) lines.push(['offers summary', `${s.count ?? '?'} ${s.condition} from ${money(s.from)}`]);
    for (const s of r.sales_ranks) lines.push(['sales rank', `#${s.rank} in ${s.category}`]);
  }
  if (r.kind === 'offer_listing') {
    lines.push(['price new', money(r.price_new)], ['price used', money(r.price_used)], ['price refurbished', money(r.price_refurbished)], ['offer count', String(r.offer_count ?? '—')]);
  }
  for (const o of r.offers) {
    const shipping = o.shipping === null ? '' : o.shipping === 0 ? ' + free delivery' : ` + ${money(o.shipping)} delivery`;
    lines.push(['offer', `${money(o.price)}${shipping}, ${o.condition}${o.sub_condition ? ` (${o.sub_condition})` : ''}, ${o.seller ?? '?'} (${o.seller_kind})${o.is_buy_box ? ', buy box' : ''}`]);
  }
  if (r.truncated) lines.push(['warning', 'the page ends before </html>: it was cut off, fields may be missing']);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
}
