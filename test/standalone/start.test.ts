/**
 * `dromedary start --demo` as a newcomer runs it: one process with every role, a private redis-server
 * and the embedded engine; charts fill in; other commands reach the running process's data; Ctrl-C
 * (SIGTERM here) stops everything cleanly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const dataDir = makeTempDir('drom-start-');
const child = spawnCli(['--data-dir', dataDir, 'start', '--demo', '--port', '0', '--no-progress']);
let stderr = '';
child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  removeTempDirs();
});

/** Whether something accepts connections at `url`'s port on loopback. */
async function listening(url: string): Promise<boolean> {
  const port = Number(new URL(url).port);
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('dromedary start --demo', () => {
  let api = '';
  let product = '';
  let redisUrl = '';

  it('prints the web address and a demo product once every role runs', async () => {
    const [, url] = await waitFor('the web address', () => /Dromedary is running: (http:\/\/\S+)/.exec(stderr) ?? undefined, { timeoutMs: 90_000 });
    const [, page] = await waitFor('a demo product', () => /A product page: \S+(\/products\/\S+)/.exec(stderr) ?? undefined);
    api = url!;
    product = page!;
    // The private redis-server is advertised in the data folder and answers.
    redisUrl = (JSON.parse(readFileSync(join(dataDir, 'redis.json'), 'utf8')) as { url: string }).url;
    expect(await listening(redisUrl)).toBe(true);
  });

  it('fills the chart of a demo product with prices within a minute', async () => {
    const [, marketplace, asin] = /\/products\/(\w+)\/(\w+)/.exec(product)!;
    const chart = await waitFor(
      'two price points on the chart',
      async () => {
        const res = await fetch(`${api}/api/v1/products/${asin}/chart?marketplace=${marketplace}&range=1d`);
        if (!res.ok) return undefined;
        const body = (await res.json()) as { lines: { t: number[] }[] };
        return body.lines.some((l) => l.t.length >= 2) ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(chart.lines.length).toBeGreaterThan(0);
  }, 90_000);

  it('lets admin and sql commands reach the running process (private Redis and embedded engine)', async () => {
    const status = await runCli(['--data-dir', dataDir, 'admin', 'status', '--json']);
    expect(status.code).toBe(0);
    const { marketplaces: statuses } = JSON.parse(status.stdout) as { marketplaces: { marketplace: string; scheduled: number }[] };
    expect(statuses.filter((s) => s.scheduled > 0).map((s) => s.marketplace).sort()).toEqual(['de', 'jp', 'us']);

    const sql = await runCli(['--data-dir', dataDir, 'sql', 'SELECT count() AS n FROM price_points']);
    expect(sql.code).toBe(0);
    expect(Number((JSON.parse(sql.stdout.trim()) as { n: string | number }).n)).toBeGreaterThan(0);
  });

  it('stops every role and its redis-server on SIGTERM and exits 0', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await listening(redisUrl)).toBe(false);
    expect(existsSync(join(dataDir, 'redis.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'clickhouse-bridge.json'))).toBe(false);
  });
});
