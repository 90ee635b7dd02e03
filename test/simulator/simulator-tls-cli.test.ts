import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { get } from './page-extract.js';

const started: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

function httpsGet(port: number, host: string, path: string, ca: string): Promise<{ status: number; body: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, authorized: (res.socket as TLSSocket).authorized }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('serves HTTPS with a self-signed certificate valid for the storefront domains, and plain HTTP on the same port', async () => {
    const sim = await startSimulator({ seed: 2, products: 4, marketplaces: ['us', 'de', 'uk'], pageBytes: 20_000, tls: true, hostility: { rateLimit: false, dogPageProbability: 0 } });
    started.push(sim);
    expect(sim.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const asin = sim.catalogue('de')[0]!.asin;
    // Verified against the returned certificate: the hostname must be in its names.
    const secure = await httpsGet(sim.port, 'www.amazon.de', `/dp/${asin}`, sim.tls!.cert);
    expect(secure.authorized).toBe(true);
    expect(secure.status).toBe(200);
    expect(secure.body).toContain(`id="ASIN" name="ASIN" value="${asin}"`);
    expect(secure.body).toContain('amazon.de');
    const plain = await get(`${sim.url}/dp/${asin}`, { host: 'www.amazon.de' });
    expect(plain.status).toBe(200);
    expect(plain.body).toBe(secure.body);
    await expect(httpsGet(sim.port, 'www.example.org', `/dp/${asin}`, sim.tls!.cert)).rejects.toThrow(/altnames|Hostname/i);
  });
});

describe('dromedary sim', () => {
  it('starts the simulator from the command line, serves, and stops on SIGTERM', async () => {
    const child = spawnCli(['sim', '--port', '0', '--products', '3', '--seed', '5', '--marketplaces', 'us,de,jp', '--page-bytes', '40000', '--no-rate-limit', '--dog-rate', '0']);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const info = await waitFor('the simulator to print its address', () => {
        const line = out.split('\n')[0];
        return line && out.includes('\n') ? (JSON.parse(line) as { url: string; urls: Record<string, string>; marketplaces: string[] }) : undefined;
      });
      expect(info.marketplaces).toEqual(['us', 'de', 'jp']);
      const cat = (await (await fetch(`${info.url}/__sim/catalogue?marketplace=jp`)).json()) as { products: { asin: string }[] };
      expect(cat.products).toHaveLength(3);
      const r = await get(`${info.urls.jp}/dp/${cat.products[0]!.asin}`);
      expect(r.status).toBe(200);
      expect(r.body).toContain('id="productTitle"');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('rejects an unknown marketplace with a usage error', async () => {
    const r = await runCli(['sim', '--port', '0', '--marketplaces', 'us,zz']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('zz');
  });
});
