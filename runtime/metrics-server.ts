/** The Prometheus side of every role: a registry per process and a small `/metrics` HTTP server. */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric Dromedary exports starts with this. */
export const METRIC_PREFIX = 'dromedary_';

/** A fresh registry with the process's default metrics (CPU, memory, event loop) and a `role` label. */
export function createMetricsRegistry(role: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

export interface MetricsServer {
  /** The port it listens on (useful when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `registries` merged at `GET /metrics` (and `GET /healthz`). */
export async function startMetricsServer(
  registries: readonly Registry[],
  { port, host = '0.0.0.0' }: { port: number; host?: string },
): Promise<MetricsServer> {
  const merged = Registry.merge([...registries]);
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) {
      merged
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': merged.contentType });
          res.end(body);
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
