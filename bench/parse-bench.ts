/**
 * `dromedary bench parse`: how fast the page parser reads real Amazon pages (and simulator pages),
 * against two baselines measured in the same run, on the same pages, from the same bytes:
 * - `cheerio.load` of the whole page (parse5, cheerio's default) + the same extraction on that DOM;
 * - Crawlee CheerioCrawler's own parse path: its `_parseHTML` (body text, htmlparser2
 *   `parseDocument`, then `cheerio.load` with htmlparser2) called as the crawler calls it, + the same
 *   extraction on the resulting DOM.
 * Every method starts from the page's bytes, as a crawler receives them. The parser's results on the
 * region view and on each baseline's full DOM are compared; agreement is reported.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CheerioAPI } from 'cheerio';
import type { Command } from 'commander';
import type { AnyNode } from 'domhandler';
import { printJson } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { getMarketplace, type MarketplaceCode } from '../config/index.js';
import { DomPageView, detectMarketplace, openSource, parsePage, parseView, toPageReport, type ParsedPage } from '../parser/index.js';

/** The baselines' libraries, loaded only when the benchmark runs (not for every CLI command). */
interface Baselines {
  readonly load: (html: string) => CheerioAPI;
  readonly parseHtml: ParseHtml;
}

async function loadBaselines(): Promise<Baselines> {
  const [cheerio, crawlee] = await Promise.all([import('cheerio'), import('@crawlee/cheerio')]);
  return {
    load: (html) => cheerio.load(html),
    parseHtml: (crawlee.CheerioCrawler.prototype as unknown as { _parseHTML: ParseHtml })._parseHTML,
  };
}

/** One page of the benchmark set. */
interface BenchPage {
  readonly name: string;
  readonly marketplace: MarketplaceCode;
  readonly bytes: Buffer;
}

/** Options of {@link runParseBench}. */
export interface ParseBenchOptions {
  /** Folder of saved pages. Default: `../shared/amazon-pages/pages` beside the project root. */
  readonly pagesDir?: string;
  /** Timed parses per page with the parser. Default 30. */
  readonly iterations: number;
  /** Timed parses per page with each DOM baseline (each takes 40–300 ms). Default 3. */
  readonly baselineIterations: number;
  /** Simulator product pages added to the set (0: none). Default 8. */
  readonly simulatorPages: number;
}

/** Registers `dromedary bench parse`. */
export function registerParseBench(bench: Command): void {
  bench
    .command('parse')
    .description('parse real (and simulator) Amazon pages; compare with cheerio.load and the CheerioCrawler parse path')
    .option('--json', 'print one JSON object')
    .option('--iterations <n>', 'timed parses per page with the parser', '30')
    .option('--baseline-iterations <n>', 'timed parses per page with each DOM baseline', '3')
    .option('--pages <dir>', 'folder of saved pages (default: ../shared/amazon-pages/pages beside the project)')
    .option('--simulator-pages <n>', 'simulator product pages added to the set (0 for none)', '8')
    .action(async (opts: { json?: boolean; iterations: string; baselineIterations: string; pages?: string; simulatorPages: string }) => {
      const int = (name: string, v: string, min: number): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
        return n;
      };
      const result = await runParseBench({
        pagesDir: opts.pages,
        iterations: int('iterations', opts.iterations, 1),
        baselineIterations: int('baseline-iterations', opts.baselineIterations, 1),
        simulatorPages: int('simulator-pages', opts.simulatorPages, 0),
      });
      if (opts.json) printJson(result);
      else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
    });
}

/** Runs the benchmark and returns the figures. */
export async function runParseBench(options: ParseBenchOptions): Promise<Record<string, unknown>> {
  const real = loadRealPages(options.pagesDir ?? defaultPagesDir());
  const sim = await simulatorPages(options.simulatorPages);
  const baselines = await loadBaselines();
  const pages = [...real, ...sim];
  if (pages.length === 0) throw new UsageError('no pages to parse: pass --pages DIR (the shared amazon-pages folder was not found)');

  const ours = pages.map(() => [] as number[]);
  const viaCheerio = pages.map(() => [] as number[]);
  const viaCrawler = pages.map(() => [] as number[]);
  const crawlerParseOnly = pages.map(() => [] as number[]);
  let agreeCheerio = 0;
  let agreeCrawler = 0;
  const disagreements: string[] = [];

  // Warm up every path (JIT, lazy module state), then check that all three read the same fields.
  for (const page of pages) {
    for (let i = 0; i < 20; i++) parsePage(page.bytes, { marketplace: page.marketplace });
    const fast = JSON.stringify(toPageReport(parsePage(page.bytes, { marketplace: page.marketplace })));
    const a = JSON.stringify(toPageReport(cheerioLoadPath(baselines, page)));
    const b = JSON.stringify(toPageReport((await crawlerPath(baselines, page)).page));
    if (a === fast) agreeCheerio++;
    else disagreements.push(`${page.name} (cheerio.load)`);
    if (b === fast) agreeCrawler++;
    else disagreements.push(`${page.name} (crawler path)`);
  }

  let oursTotalMs = 0;
  for (let round = 0; round < options.iterations; round++) {
    for (const [i, page] of pages.entries()) {
      const t0 = performance.now();
      parsePage(page.bytes, { marketplace: page.marketplace });
      const dt = performance.now() - t0;
      oursTotalMs += dt;
      (ours[i] as number[]).push(dt);
    }
  }
  for (let round = 0; round < options.baselineIterations; round++) {
    for (const [i, page] of pages.entries()) {
      let t0 = performance.now();
      cheerioLoadPath(baselines, page);
      (viaCheerio[i] as number[]).push(performance.now() - t0);
      t0 = performance.now();
      const crawled = await crawlerPath(baselines, page);
      (viaCrawler[i] as number[]).push(performance.now() - t0);
      (crawlerParseOnly[i] as number[]).push(crawled.parseMs);
    }
  }

  const perPage = (samples: number[][]): number[] => samples.map((s) => median(s));
  const oursMedian = median(perPage(ours));
  const crawlerMedian = median(perPage(viaCrawler));
  const cheerioMedian = median(perPage(viaCheerio));
  const productIdx = pages.map((p, i) => ({ p, i })).filter(({ p }) => p.bytes.length > 100_000).map(({ i }) => i);
  const pick = (samples: number[][]): number => median(productIdx.map((i) => median(samples[i] as number[])));
  const round3 = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    pages: pages.length,
    real_pages: real.length,
    simulator_pages: sim.length,
    mean_page_bytes: Math.round(pages.reduce((a, p) => a + p.bytes.length, 0) / pages.length),
    iterations: options.iterations,
    baseline_iterations: options.baselineIterations,
    input: 'Buffer (raw bytes, as a crawler receives them)',
    ms_per_page_median: round3(oursMedian),
    ms_per_page_p90: round3(quantile(perPage(ours), 0.9)),
    ms_per_page_max: round3(Math.max(...perPage(ours))),
    ms_per_product_page_median: round3(pick(ours)),
    pages_per_sec: Math.round((pages.length * options.iterations) / (oursTotalMs / 1000)),
    baseline_cheerio_load_ms_median: round3(cheerioMedian),
    baseline_crawler_path_ms_median: round3(crawlerMedian),
    baseline_crawler_parse_only_ms_median: round3(median(perPage(crawlerParseOnly))),
    baseline_crawler_path_product_page_ms_median: round3(pick(viaCrawler)),
    speedup_vs_crawler_path: round3(crawlerMedian / oursMedian),
    speedup_vs_cheerio_load: round3(cheerioMedian / oursMedian),
    same_result_as_cheerio_load: `${agreeCheerio}/${pages.length}`,
    same_result_as_crawler_path: `${agreeCrawler}/${pages.length}`,
    disagreements,
    goal: { ms_per_page_median_max: 3, speedup_vs_crawler_path_min: 10 },
    goal_met: oursMedian <= 3 && crawlerMedian / oursMedian >= 10,
    node: process.version,
    cpus: cpus().length,
    load_average_1m: round3(loadavg()[0] ?? 0),
  };
}

/** Baseline 1: plain `cheerio.load` (parse5) of the whole page, then the same extraction. */
function cheerioLoadPath(baselines: Baselines, page: BenchPage): ParsedPage {
  const html = page.bytes.toString('utf8');
  const $ = baselines.load(html);
  return extractFromDom(html, $.root()[0] as AnyNode, page.marketplace);
}

type ParseHtml = (response: Readable, isXml: boolean, context: Record<string, unknown>) => Promise<{ $: CheerioAPI; body: string }>;

/**
 * Baseline 2: CheerioCrawler's own `_parseHTML`, called with the body as the response stream (what the
 * crawler does for every page: read the body text, `parseDocument` with htmlparser2, `cheerio.load`
 * with htmlparser2), then the same extraction on its `$`.
 */
async function crawlerPath(baselines: Baselines, page: BenchPage): Promise<{ page: ParsedPage; parseMs: number }> {
  const t0 = performance.now();
  const parsed = await baselines.parseHtml.call({}, Readable.from([page.bytes]), false, {});
  const parseMs = performance.now() - t0;
  return { page: extractFromDom(parsed.body, parsed.$.root()[0] as AnyNode, page.marketplace), parseMs };
}

function extractFromDom(html: string, root: AnyNode, marketplace: MarketplaceCode): ParsedPage {
  const opened = openSource(html);
  if (!opened.ok) return parsePage(html, { marketplace });
  return parseView(new DomPageView(opened.source, root), getMarketplace(marketplace));
}

/** The saved pages beside the project: `<root>/../shared/amazon-pages/pages`. */
function defaultPagesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return resolve(dir, '..', 'shared', 'amazon-pages', 'pages');
}

function loadRealPages(dir: string): BenchPage[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const manifestPath = join(dir, '..', 'manifest.json');
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { file: string; marketplace: string }[]) : [];
  const known = new Map(manifest.map((m) => [m.file, m.marketplace]));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => {
      const bytes = readFileSync(join(dir, f));
      const code = known.get(f) ?? detectMarketplace(bytes) ?? 'us';
      return { name: f, marketplace: code as MarketplaceCode, bytes };
    });
}

/** Product pages rendered in process by the marketplace simulator: both layouts, several storefronts. */
async function simulatorPages(count: number): Promise<BenchPage[]> {
  if (count <= 0) return [];
  const { SimulatorCore, parseSimulatorOptions } = await import('../simulator/index.js');
  const core = new SimulatorCore(parseSimulatorOptions({ seed: 7, products: Math.max(2, Math.ceil(count / 3)), hostility: { rateLimit: false, dogPageProbability: 0, latencyMs: 0 } }));
  const entries = core.listCatalogue();
  const out: BenchPage[] = [];
  for (let i = 0; i < entries.length && out.length < count; i += Math.max(1, Math.floor(entries.length / count))) {
    const entry = entries[i];
    if (!entry) break;
    const res = core.handle({ method: 'GET', host: `www.${getMarketplace(entry.marketplace).domain}`, url: entry.path, ip: '127.0.0.1', acceptsGzip: false });
    if (!res.body || res.status !== 200) continue;
    out.push({ name: `sim-${entry.marketplace}-${entry.asin}-${entry.layout}`, marketplace: entry.marketplace, bytes: Buffer.concat([...res.body.chunks]) });
  }
  return out;
}

function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
