import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TupleParam } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/index.js';
import { clickHouseMode, createClickHouse, selectRows } from '../../storage/index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type TestClickHouse, openTestClickHouse } from './storage-fixtures.js';

let ch: TestClickHouse;

beforeAll(async () => {
  ch = await openTestClickHouse();
  await ch.client.command({ query: 'CREATE TABLE dedup_probe (x UInt32) ENGINE = MergeTree ORDER BY x SETTINGS non_replicated_deduplication_window = 100' });
});

afterAll(async () => {
  await ch?.client.close();
  removeTempDirs();
});

describe('embedded ClickHouse', () => {
  it('a deduplication token given to one insert does not drop later inserts (embedded and through the bridge)', async () => {
    const viaBridge = await createClickHouse(ch.config, { logger: silentLogger() });
    expect(clickHouseMode(ch.client)).toBe('embedded');
    expect(clickHouseMode(viaBridge)).toBe('bridge');
    try {
      for (const [i, client] of [ch.client, viaBridge].entries()) {
        const base = i * 100;
        // As a per-request setting (which chDB applies to its shared session) …
        await client.insert({ table: 'dedup_probe', values: [[base + 1]], format: 'JSONCompactEachRow', clickhouse_settings: { insert_deduplication_token: `t${i}` } });
        // … and in the INSERT's own SETTINGS clause, as the ingester does.
        await client.exec({
          query: 'INSERT INTO dedup_probe SETTINGS insert_deduplication_token = {t:String} FORMAT JSONCompactEachRow',
          values: Readable.from([`[${base + 2}]\n`]),
          query_params: { t: `s${i}` },
        });
        // Later inserts without a token, different rows: all must land.
        await client.insert({ table: 'dedup_probe', values: [[base + 3]], format: 'JSONCompactEachRow' });
        await client.insert({ table: 'dedup_probe', values: [[base + 4]], format: 'JSONCompactEachRow' });
        // The same token again is a duplicate and is dropped.
        await client.insert({ table: 'dedup_probe', values: [[base + 1]], format: 'JSONCompactEachRow', clickhouse_settings: { insert_deduplication_token: `t${i}` } });
      }
      const rows = await selectRows<{ x: number }>(ch.client, 'SELECT x FROM dedup_probe ORDER BY x');
      expect(rows.map((r) => r.x)).toEqual([1, 2, 3, 4, 101, 102, 103, 104]);
      const [setting] = await selectRows<{ t: string }>(viaBridge, "SELECT getSetting('insert_deduplication_token') AS t");
      expect(setting?.t).toBe('');
    } finally {
      await viaBridge.close();
    }
  });

  it('the bridge binds parameters of every shape as a server would', async () => {
    const viaBridge = await createClickHouse(ch.config, { logger: silentLogger() });
    try {
      const query = 'SELECT {s:String} AS s, {a:Array(String)} AS a, {n:UInt64} AS n, {t:Tuple(String, UInt8)} AS t, {m:Map(String, UInt8)} AS m, {z:Nullable(String)} AS z';
      const params = { s: "it's\ta\\b", a: ["x'y", 'p\\q', ''], n: 9007199254740993n, t: new TupleParam(['k', 3]), m: { a: 1 }, z: null };
      const direct = await selectRows(ch.client, query, params);
      const bridged = await selectRows(viaBridge, query, params);
      expect(bridged).toEqual(direct);
      expect(direct[0]).toMatchObject({ s: "it's\ta\\b", a: ["x'y", 'p\\q', ''], t: ['k', 3], m: { a: 1 }, z: null });
      await expect(viaBridge.query({ query: 'SELECT * FROM no_such_table' })).rejects.toMatchObject({ type: 'UNKNOWN_TABLE' });
    } finally {
      await viaBridge.close();
    }
  });

  it('`dromedary sql` reaches the data through the process that holds it', async () => {
    const redis: TestRedis = await startTestRedis();
    const dataDir = makeTempDir('drom-held-');
    expect((await runCli(['--data-dir', dataDir, 'migrate'])).code).toBe(0);
    const holder = spawnCli(['--data-dir', dataDir, 'ingest', '--marketplaces', 'us'], { REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
    const exited = new Promise<number | null>((resolve) => holder.once('exit', (code) => resolve(code)));
    try {
      await waitFor('bridge advertised', () => existsSync(join(dataDir, 'clickhouse-bridge.json')), { timeoutMs: 30_000 });
      const listed = await runCli(['--data-dir', dataDir, 'sql', "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'price_points'"]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.trim()).toBe('{"n":1}');
    } finally {
      holder.kill('SIGTERM');
      expect(await exited).toBe(0);
      await redis.stop();
    }
    expect(existsSync(join(dataDir, 'clickhouse-bridge.json'))).toBe(false);
  });
});
