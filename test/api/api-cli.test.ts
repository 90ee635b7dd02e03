/** `dromedary api` as a user runs it: migrates, listens, serves, and stops cleanly on SIGTERM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
  removeTempDirs();
});

describe('dromedary api', () => {
  it('serves the API on the port it prints and exits 0 on SIGTERM', async () => {
    const dataDir = makeTempDir('drom-api-cli-');
    const child = spawnCli(['api', '--port', '0', '--data-dir', dataDir, '--redis-url', redis.url, '--log-level', 'warn'], {
      DROMEDARY_SECRET: 'a-test-secret-of-enough-length-42',
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = await waitFor('the api to print its address', () => /"api":"(http:[^"]+)"/.exec(stdout)?.[1], { timeoutMs: 60_000 });
    const health = await fetch(`${started}/healthz`);
    expect(health.status).toBe(200);
    const chart = await fetch(`${started}/api/v1/products/B0CLITEST1/chart?range=1y`);
    expect(chart.status, stderr).toBe(200);
    expect(((await chart.json()) as { lines: unknown[] }).lines).toEqual([]);
    const signUp = await fetch(`${started}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'cli@example.com' }) });
    expect(signUp.status, stderr).toBe(201);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
  }, 90_000);
});
