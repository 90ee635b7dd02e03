/** `dromedary admin proxies list|add|remove|test`: the cluster's proxy registry (attached to `admin`). */
import type { Command } from 'commander';
import { MARKETPLACE_CODES, type MarketplaceCode, isMarketplaceCode, marketplaceBaseUrl, productUrl } from '../../config/index.js';
import type * as CrawlerPart from '../../crawler/index.js';
import type { ProxyTestResult } from '../../crawler/index.js';
import { type Redis, closeRedis, connectRedis, redisKeys } from '../../runtime/index.js';
import { configFromCommand, printJson } from '../context.js';
import { InputError, UsageError } from '../errors.js';

/** The crawler part, loaded when a proxies command runs (not for every command of the CLI). */
const crawler = (): Promise<typeof CrawlerPart> => import('../../crawler/index.js');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function withRedis<T>(command: Command, run: (redis: Redis, prefix: string) => Promise<T>): Promise<T> {
  const config = configFromCommand(command);
  const redis = connectRedis({ url: config.redis.url, name: 'admin-proxies', options: { maxRetriesPerRequest: 1, retryStrategy: () => null } });
  try {
    await redis.ping();
    return await run(redis, config.redis.keyPrefix);
  } finally {
    await closeRedis(redis);
  }
}

function marketplaceArg(code: string): MarketplaceCode {
  const c = code.trim().toLowerCase();
  if (!isMarketplaceCode(c)) throw new UsageError(`unknown marketplace ${JSON.stringify(code)}`);
  return c;
}

/** Adds `proxies` under the existing `admin` command (created if missing). */
export function registerProxyCommands(program: Command): void {
  const admin = program.commands.find((c) => c.name() === 'admin') ?? program.command('admin').description('manage the crawl schedule');
  const proxies = admin.command('proxies').description('the proxies crawler nodes rotate through (registry in Redis; nodes pick changes up within seconds)');

  proxies
    .command('list')
    .description('every proxy the cluster knows (registry and nodes’ own configuration), with where each is cooling')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { listProxies } = await crawler();
      await withRedis(command, async (redis, prefix) => {
        const list = await listProxies(redis, redisKeys(prefix), MARKETPLACE_CODES);
        if (opts.json) return printJson({ proxies: list });
        if (list.length === 0) say('no proxies: crawler nodes fetch directly (dromedary admin proxies add <url>)');
        const now = Date.now();
        for (const p of list) {
          const cooling = Object.entries(p.cooling).map(([m, c]) => `${m} ${Math.ceil((c.until - now) / 1000)} s (strike ${c.strikes})`);
          say(`${p.id}  ${p.label}  [${p.source}]${cooling.length > 0 ? `  cooling: ${cooling.join(', ')}` : ''}`);
        }
      });
    });

  proxies
    .command('add')
    .description('add proxies to the registry: http://user:pass@host:port, https://…, socks5://…')
    .argument('<urls...>', 'proxy URLs')
    .option('--json', 'print the result as JSON')
    .action(async (urls: string[], opts: { json?: boolean }, command: Command) => {
      const { addProxy, parseProxyUrl } = await crawler();
      // Every URL is checked before anything is written.
      for (const u of urls) {
        try {
          parseProxyUrl(u);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      await withRedis(command, async (redis, prefix) => {
        const results = [];
        for (const u of urls) results.push(await addProxy(redis, redisKeys(prefix), u));
        if (opts.json) return printJson({ results });
        for (const r of results) say(`${r.id}  ${r.label}  ${r.added ? 'added' : 'already registered'}`);
      });
    });

  proxies
    .command('remove')
    .description('remove proxies from the registry (by id or URL)')
    .argument('<proxies...>', 'proxy ids (p…) or URLs')
    .option('--json', 'print the result as JSON')
    .action(async (refs: string[], opts: { json?: boolean }, command: Command) => {
      const { removeProxy } = await crawler();
      await withRedis(command, async (redis, prefix) => {
        const results = [];
        for (const r of refs) results.push(await removeProxy(redis, redisKeys(prefix), r));
        if (opts.json) return printJson({ results });
        for (const r of results) say(`${r.id}  ${r.removed ? 'removed' : 'was not registered'}`);
      });
    });

  proxies
    .command('test')
    .description('fetch a storefront page through proxies and report status and latency (default: every registered and configured proxy)')
    .argument('[proxies...]', 'proxy ids (p…) or URLs')
    .option('-m, --marketplace <code>', 'storefront to fetch from', 'us')
    .option('--asin <asin>', 'fetch this product page instead of the home page')
    .option('--timeout-ms <ms>', 'give up after this long', '30000')
    .option('--json', 'print the result as JSON')
    .action(async (refs: string[], opts: { marketplace: string; asin?: string; timeoutMs: string; json?: boolean }, command: Command) => {
      const { parseProxyUrl, registeredProxies, testProxy } = await crawler();
      const config = configFromCommand(command);
      const marketplace = marketplaceArg(opts.marketplace);
      const timeoutMs = Number(opts.timeoutMs);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError('--timeout-ms must be a positive integer');
      const url = opts.asin ? productUrl(config, marketplace, opts.asin.toUpperCase()) : `${marketplaceBaseUrl(config, marketplace)}/`;
      const urls = await withRedis(command, async (redis, prefix) => {
        const registry = await registeredProxies(redis, redisKeys(prefix));
        const known = new Map([...config.crawler.proxies.map(parseProxyUrl), ...registry].map((p) => [p.id, p.url] as const));
        if (refs.length === 0) return [...known.values()];
        return refs.map((r) => {
          if (/^p[0-9a-f]{12}$/.test(r)) {
            const u = known.get(r);
            if (!u) throw new InputError(`no proxy with id ${r} in the registry or configuration`);
            return u;
          }
          return parseProxyUrl(r).url;
        });
      });
      if (urls.length === 0) throw new UsageError('no proxies to test (give URLs, or add some with dromedary admin proxies add)');
      const results: ProxyTestResult[] = [];
      for (const u of urls) results.push(await testProxy(u, url, marketplace, { timeoutMs }));
      if (opts.json) printJson({ results });
      else {
        for (const r of results) {
          say(`${r.id}  ${r.label}  ${r.ok ? 'ok' : 'FAILED'}  status ${r.status ?? '-'}  ${r.latencyMs} ms  ${r.page}  ${r.bytes} B${r.error ? `  (${r.error})` : ''}`);
        }
      }
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
