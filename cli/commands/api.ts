/** `dromedary api`: the HTTP API and web app, until SIGTERM. */
import type { Command } from 'commander';
import { startApiServer } from '../../api/index.js';
import { createLogger, createMetricsRegistry, onShutdown, startMetricsServer } from '../../runtime/index.js';
import { configFromCommand } from '../context.js';
import { UsageError } from '../errors.js';

/** Registers `api`. */
export function registerApiCommands(program: Command): void {
  program
    .command('api')
    .description('serve the REST API, the web pages, chart images and the extension\'s lookups (until SIGTERM)')
    .option('--host <host>', 'listen address (config api.host, default 127.0.0.1)')
    .option('--port <port>', 'listen port, 0 = any free port (config api.port, default 8080)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (config metrics.port)')
    .option('--trust-proxy', 'trust X-Forwarded-For from a reverse proxy (rate limits count the real client)')
    .action(async (opts: { host?: string; port?: string; metricsPort?: string; trustProxy?: boolean }, command: Command) => {
      const extra: Parameters<typeof configFromCommand>[1] = {};
      if (opts.host !== undefined || opts.port !== undefined) extra.api = { ...(opts.host ? { host: opts.host } : {}), ...(opts.port !== undefined ? { port: portNumber(opts.port) } : {}) };
      if (opts.metricsPort !== undefined) extra.metrics = { port: portNumber(opts.metricsPort) };
      const config = configFromCommand(command, extra);
      const logger = createLogger({ role: 'api', instanceId: config.instanceId ?? 'api', level: config.log.level });
      const registry = createMetricsRegistry('api');
      const server = await startApiServer({ config, logger, registry, trustProxy: opts.trustProxy ?? false });
      const metrics = config.metrics.port === undefined ? undefined : await startMetricsServer([registry], { port: config.metrics.port, host: config.metrics.host });
      process.stdout.write(`${JSON.stringify({ api: server.url, metricsPort: metrics?.port ?? null })}\n`);
      const { done } = onShutdown(logger, [
        ['api', () => server.close()],
        ['metrics', () => metrics?.close()],
        ['logs', () => logger.flush()],
      ]);
      await done;
    });
}

function portNumber(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`not a port: ${text}`);
  return port;
}
