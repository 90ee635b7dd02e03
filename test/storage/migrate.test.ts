import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/index.js';
import { loadMigrations, migrate, selectRows, splitStatementsForTest } from './migrate-support.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { type TestClickHouse, openTestClickHouse } from './storage-fixtures.js';

let ch: TestClickHouse;

beforeAll(async () => {
  ch = await openTestClickHouse();
});

afterAll(async () => {
  await ch?.client.close();
  removeTempDirs();
});

describe('migrations', () => {
  it('are recorded once and a second run applies nothing', async () => {
    const again = await migrate(ch.client, { database: ch.config.clickhouse.database, logger: silentLogger() });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(loadMigrations('single').length);
    const recorded = await selectRows<{ version: number; n: string }>(ch.client, 'SELECT version, count() AS n FROM schema_migrations GROUP BY version ORDER BY version');
    expect(recorded.map((r) => Number(r.version))).toEqual(loadMigrations('single').map((m) => m.version));
    expect(recorded.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it('are numbered below 0100 in both variants, and each file opens with a header comment', () => {
    for (const variant of ['single', 'cluster'] as const) {
      const migrations = loadMigrations(variant);
      expect(migrations.length).toBeGreaterThan(0);
      for (const m of migrations) {
        expect(m.version).toBeLessThan(100);
        const dir = variant === 'single' ? 'migrations' : 'migrations-cluster';
        const text = readFileSync(new URL(`../../storage/${dir}/${m.name}.sql`, import.meta.url), 'utf8');
        expect(text.startsWith(`-- ${m.name.slice(0, 4)} `), m.name).toBe(true);
        expect(text, m.name).toMatch(/Rebuild|Not derived/);
      }
    }
    expect(loadMigrations('cluster').map((m) => m.name)).toEqual(loadMigrations('single').map((m) => m.name));
  });

  it('cluster variant declares the same tables and columns as the single-node schema', async () => {
    // Run the cluster DDL on the embedded engine with its replication and distribution stripped:
    // <name>_local tables must have exactly the single-node table's columns and types.
    await ch.client.command({ query: 'CREATE DATABASE IF NOT EXISTS cluster_check' });
    const single = await columnsOf('dromedary');
    for (const migration of loadMigrations('cluster')) {
      for (const statement of migration.statements) {
        if (/ENGINE = Distributed\(/.test(statement)) {
          expect(statement).toMatch(/cityHash64\((marketplace, asin|user_id|marketplace)\)\);?$/);
          continue;
        }
        // A column change of a Distributed table mirrors the one of its _local table, checked below.
        if (/^ALTER TABLE \w+ ON CLUSTER/.test(statement) && !/^ALTER TABLE \w+_local /.test(statement)) continue;
        // Copying or emptying rows is not schema.
        if (/^(INSERT INTO|TRUNCATE TABLE) /.test(statement)) continue;
        const local = statement
          .replaceAll(' ON CLUSTER ${CLUSTER}', '')
          .replace(/Replicated(\w*)MergeTree\('[^']*', '\{replica\}'(?:, )?/, '$1MergeTree(')
          .replace(/MergeTree\(\)/, 'MergeTree')
          .replace('replicated_deduplication_window', 'non_replicated_deduplication_window');
        expect(local).not.toMatch(/Replicated|CLUSTER/);
        await ch.client.command({ query: local.replace(/(TABLE|VIEW) IF NOT EXISTS (\w+)/, '$1 IF NOT EXISTS cluster_check.$2').replace(/^DROP (TABLE|VIEW) IF EXISTS (\w+)/, 'DROP $1 IF EXISTS cluster_check.$2').replace(/^ALTER TABLE (\w+)/, 'ALTER TABLE cluster_check.$1').replace(/ TO (\w+)_local AS/, ' TO cluster_check.$1_local AS').replace(/FROM price_points_local/, 'FROM cluster_check.price_points_local') });
      }
    }
    const cluster = await columnsOf('cluster_check');
    const expected = new Map([...single].filter(([table]) => table !== 'schema_migrations').map(([table, cols]) => [`${table}_local`, cols]));
    expect(new Map([...cluster].filter(([t]) => t.endsWith('_local')))).toEqual(expected);
  });

  it('splits statements on semicolons at line ends and drops comments', () => {
    expect(splitStatementsForTest('-- header\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\nSELECT 1; -- trailing\n')).toEqual([
      'CREATE TABLE a (x UInt8) ENGINE = Memory',
      'SELECT 1',
    ]);
  });

  it('`dromedary migrate` then `dromedary sql` lists the tables of a fresh embedded data folder', async () => {
    const dataDir = makeTempDir('drom-cli-');
    const migrated = await runCli(['--data-dir', dataDir, 'migrate', '--json']);
    expect(migrated.code, migrated.stderr).toBe(0);
    const result = JSON.parse(migrated.stdout) as { applied: unknown[]; mode: string };
    expect(result.applied.length).toBe(loadMigrations('single').length);
    expect(result.mode).toBe('embedded');
    const listed = await runCli(['--data-dir', dataDir, 'sql', 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name']);
    expect(listed.code, listed.stderr).toBe(0);
    const names = listed.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(['price_points', 'price_hourly', 'price_changes', 'catalog', 'products', 'schema_migrations']));
    const bound = await runCli(['--data-dir', dataDir, 'sql', 'SELECT {n:UInt8} + 1 AS x, {s:String} AS s', '--param', 'n=41', '--param', "s=it's"]);
    expect(bound.stdout.trim()).toBe('{"x":42,"s":"it\'s"}');
    const again = await runCli(['--data-dir', dataDir, 'migrate', '--json']);
    expect((JSON.parse(again.stdout) as { applied: unknown[] }).applied).toEqual([]);
  });
});

async function columnsOf(database: string): Promise<Map<string, string[]>> {
  const rows = await selectRows<{ table: string; name: string; type: string }>(
    ch.client,
    `SELECT table, name, type FROM system.columns WHERE database = {db:String} AND table NOT LIKE '%_mv' ORDER BY table, position`,
    { db: database },
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.table, [...(out.get(r.table) ?? []), `${r.name} ${r.type}`]);
  return out;
}
