/** `dromedary start [--demo]`: every role in one process, on the embedded engine and a private Redis. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { type ConfigInput, MARKETPLACE_CODES, type MarketplaceCode, isMarketplaceCode } from '../../config/index.js';
import { addProducts } from '../../coordinator/index.js';
import { onShutdown } from '../../runtime/index.js';
import { type Demo, startDemo, startProgressReporter, startStandalone } from '../../standalone/index.js';
import { configFromCommand } from '../context.js';
import { UsageError } from '../errors.js';

interface StartOptions {
  demo?: boolean;
  port?: string;
  marketplaces?: string;
  progress?: boolean;
}

export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: coordinator, ingester, crawler, alerter and API, on embedded ClickHouse and a private redis-server')
    .option('--demo', 'also run the marketplace simulator, point the storefronts at it and track a seeded catalogue (offline)')
    .option('-p, --port <port>', 'port of the web app and API (config api.port, default 8080)')
    .option('-m, --marketplaces <codes>', 'storefronts to check (default: config crawler.marketplaces plus every storefront with tracked products)')
    .option('--no-progress', 'do not show progress in the terminal')
    .action(async (opts: StartOptions, command: Command) => {
      const extra: ConfigInput = {};
      if (opts.port !== undefined) {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port expects a port number, got ${JSON.stringify(opts.port)}`);
        extra.api = { port };
      }
      const marketplaces = opts.marketplaces === undefined ? undefined : parseMarketplaces(opts.marketplaces);
      const userConfig = configFromCommand(command, extra);

      mkdirSync(userConfig.dataDir, { recursive: true });
      const logFile = resolve(userConfig.dataDir, 'dromedary.log');
      // The terminal shows progress; the full JSON log goes to a file, warnings and errors to both.
      const logger = pino(
        { level: userConfig.log.level, base: { role: 'standalone', instance: userConfig.instanceId } },
        pino.multistream([
          { level: userConfig.log.level === 'silent' ? 'fatal' : userConfig.log.level, stream: pino.destination({ dest: logFile, mkdir: true, sync: false }) },
          { level: 'warn', stream: process.stderr },
        ]),
      );

      let demo: Demo | undefined;
      if (opts.demo) demo = await startDemo({ ...(marketplaces ? { marketplaces } : {}) });
      const standalone = await startStandalone({
        config: userConfig,
        logger,
        overrides: demo?.overrides,
        marketplaces: demo ? demo.marketplaces : marketplaces,
      }).catch(async (err: unknown) => {
        await demo?.close();
        throw err;
      });

      const say = (line: string): void => void process.stderr.write(`${line}\n`);
      if (demo) {
        const results = await addProducts({ coordinator: standalone.coordinator.client, clickhouse: standalone.clickhouse, source: 'demo' }, demo.catalogue);
        const tracked = results.reduce((n, r) => n + r.added + r.alreadyTracked, 0);
        const [firstCode, firstAsins] = [...demo.catalogue][0] ?? [];
        say(`Demo: tracking ${tracked} simulated products in ${demo.marketplaces.join(', ')} (simulator at ${demo.simulator.url}); prices move every few seconds.`);
        if (firstCode && firstAsins?.[0]) say(`A product page: ${standalone.api.url}/products/${firstCode}/${firstAsins[0]}`);
      }
      say(`Dromedary is running: ${standalone.api.url}  (logs: ${logFile}; Ctrl-C stops)`);
      const progress = opts.progress === false ? undefined : startProgressReporter({ coordinator: standalone.coordinator.client });

      const { done } = onShutdown(logger, [
        ['progress', () => progress?.close()],
        ['roles', () => standalone.close()],
        ['simulator', () => demo?.close()],
        ['logs', () => logger.flush()],
      ]);
      await done;
    });
}

function parseMarketplaces(list: string): MarketplaceCode[] {
  const codes = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (codes.length === 0) throw new UsageError('--marketplaces needs at least one code');
  for (const code of codes) if (!isMarketplaceCode(code)) throw new UsageError(`unknown marketplace ${JSON.stringify(code)}; known: ${MARKETPLACE_CODES.join(', ')}`);
  return codes as MarketplaceCode[];
}
