/** `dromedary sim`: runs the marketplace simulator until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { isMarketplaceCode, type MarketplaceCode } from '../../config/index.js';
import { createLogger, onShutdown } from '../../runtime/index.js';
import { type SimulatorOptionsInput, SimulatorOptionsError, startSimulator } from '../../simulator/index.js';
import { configFromCommand, printJson } from '../context.js';
import { UsageError } from '../errors.js';

interface SimFlags {
  port: string;
  host: string;
  products: string;
  seed: string;
  marketplaces?: string;
  layouts?: string;
  tls?: boolean;
  pageBytes?: string;
  priceEpochMs?: string;
  rate?: string;
  burst?: string;
  cooldownMs?: string;
  rateLimit: boolean;
  dogRate?: string;
  captcha503Share?: string;
  latencyMs?: string;
  logSize?: string;
}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** Turns the flags into simulator options (validated again, all at once, by the simulator). */
export function simOptionsFromFlags(f: SimFlags): SimulatorOptionsInput {
  const marketplaces = f.marketplaces?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const m of marketplaces ?? []) if (!isMarketplaceCode(m)) throw new UsageError(`--marketplaces: unknown marketplace "${m}"`);
  const layouts = f.layouts?.split(',').map((s) => s.trim());
  for (const l of layouts ?? []) if (l !== 'old' && l !== 'new') throw new UsageError(`--layouts: "${l}" is neither old nor new`);
  let latencyMs: number | { min: number; max: number } | undefined;
  if (f.latencyMs !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(f.latencyMs);
    if (!m) throw new UsageError('--latency-ms must be N or MIN-MAX');
    latencyMs = m[2] === undefined ? Number(m[1]) : { min: Number(m[1]), max: Number(m[2]) };
  }
  const hostility: NonNullable<SimulatorOptionsInput['hostility']> = {};
  if (!f.rateLimit) hostility.rateLimit = false;
  else if (f.rate !== undefined || f.burst !== undefined || f.cooldownMs !== undefined) {
    hostility.rateLimit = { ratePerSec: num('rate', f.rate) ?? 2, burst: num('burst', f.burst) ?? 20, cooldownMs: int('cooldown-ms', f.cooldownMs) ?? 60_000 };
  }
  const dog = num('dog-rate', f.dogRate);
  if (dog !== undefined) hostility.dogPageProbability = dog;
  const share = num('captcha-503-share', f.captcha503Share);
  if (share !== undefined) hostility.captcha503Share = share;
  if (latencyMs !== undefined) hostility.latencyMs = latencyMs;
  const out: SimulatorOptionsInput = {
    port: int('port', f.port),
    host: f.host,
    products: int('products', f.products),
    seed: int('seed', f.seed),
    tls: f.tls ?? false,
    hostility,
  };
  if (marketplaces) out.marketplaces = marketplaces as MarketplaceCode[];
  if (layouts) out.layouts = layouts as ('old' | 'new')[];
  const pageBytes = int('page-bytes', f.pageBytes);
  if (pageBytes !== undefined) out.pageBytes = pageBytes;
  const epoch = int('price-epoch-ms', f.priceEpochMs);
  if (epoch !== undefined) out.priceEpochMs = epoch;
  const logSize = int('log-size', f.logSize);
  if (logSize !== undefined) out.requestLogSize = logSize;
  return out;
}

export function registerSimCommands(program: Command): void {
  program
    .command('sim')
    .description('run the marketplace simulator (a hostile stand-in for Amazon storefronts, with truth and control endpoints under /__sim/)')
    .option('--port <port>', 'port to listen on (0: any free port)', '8090')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--products <n>', 'products per storefront', '50')
    .option('--seed <n>', 'seed of the catalogue, prices and hostility', '1')
    .option('--marketplaces <codes>', 'storefronts to serve, comma-separated (default us,uk,de,fr,it,es,jp,in,ca)')
    .option('--layouts <list>', 'page layouts: old,new (default both)')
    .option('--tls', 'also answer HTTPS on the same port, with a self-signed certificate')
    .option('--page-bytes <n>', 'mean product page size in bytes (default 1400000)')
    .option('--price-epoch-ms <ms>', 'prices can change once per epoch (default 3600000)')
    .option('--rate <perSec>', 'per-client-IP requests per second before robot checks (default 2)')
    .option('--burst <n>', 'per-client-IP burst (default 20)')
    .option('--cooldown-ms <ms>', 'robot-check cool-down after an overdraft (default 60000)')
    .option('--no-rate-limit', 'no per-client-IP rate limit')
    .option('--dog-rate <p>', 'probability of a 503 dog page per request (default 0.005)')
    .option('--captcha-503-share <p>', 'share of robot checks sent as HTTP 503 rather than 200 (default 0.5)')
    .option('--latency-ms <n|min-max>', 'added response delay (default 0)')
    .option('--log-size <n>', 'request log entries kept (default 10000)')
    .action(async (flags: SimFlags, command: Command) => {
      const config = configFromCommand(command);
      const logger = createLogger({ role: 'simulator', instanceId: config.instanceId ?? `sim-${process.pid}`, level: config.log.level, destination: process.stderr });
      let sim;
      try {
        sim = await startSimulator({ ...simOptionsFromFlags(flags), logger });
      } catch (err) {
        if (err instanceof SimulatorOptionsError) throw new UsageError(err.message);
        throw err;
      }
      printJson({ url: sim.url, httpsUrl: sim.httpsUrl ?? null, urls: sim.urls, port: sim.port, seed: sim.options.seed, products: sim.options.products, marketplaces: sim.options.marketplaces });
      const { done } = onShutdown(logger, [['simulator', () => sim.close()]]);
      await done;
    });
}
