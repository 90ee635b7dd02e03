/** The Prometheus side of every role: a registry per role and a small `/metrics` HTTP server. */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric Dromedary exports starts with this. */
export const METRIC_PREFIX = 'dromedary_';

export interface CreateMetricsRegistryOptions {
  /**
   * Also collect the process's default metrics (CPU, memory, event loop) in this registry. Default true.
   * A process running several roles (`dromedary start`) collects them in one registry only.
   */
  defaultMetrics?: boolean;
}

/** A fresh registry whose metrics all carry the label `role`. */
export function createMetricsRegistry(role: string, { defaultMetrics = true }: CreateMetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

export interface MetricsServer {
  /** The port it listens on (useful when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `registries` at `GET /metrics` (and `GET /healthz`). Each registry is rendered on its own so
 * it keeps its default labels (`Registry.merge` would drop them); a metric name may appear in only one.
 */
export async function startMetricsServer(
  registries: readonly Registry[],
  { port, host = '0.0.0.0' }: { port: number; host?: string },
): Promise<MetricsServer> {
  assertDistinctNames(registries);
  const contentType = registries[0]?.contentType ?? Registry.PROMETHEUS_CONTENT_TYPE;
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) {
      Promise.all(registries.map((r) => r.metrics()))
        .then((parts) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(parts.filter((p) => p.length > 0).join('\n'));
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  let closed = false;
  return {
    port: typeof address === 'object' && address ? address.port : port,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function assertDistinctNames(registries: readonly Registry[]): void {
  const seen = new Set<string>();
  for (const registry of registries) {
    for (const metric of registry.getMetricsAsArray()) {
      const { name } = metric as unknown as { name: string };
      if (seen.has(name)) throw new Error(`metric ${name} is registered in two registries served together`);
      seen.add(name);
    }
  }
}
