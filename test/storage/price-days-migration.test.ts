/**
 * Migrations 0032–0033 replace price_daily and price_moves_daily by price_days, copying their rows.
 * On a store that already holds history, the chart must show the same moves, list prices and day
 * figures after the migration as the points imply — for points ingested before it, after it, and on a
 * day that has both — and a 0032 run cut short and run again must not count anything twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { silentLogger } from '../../runtime/index.js';
import { chartData, createClickHouse, loadMigrations, migrate, selectRows } from '../../storage/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { buildRows, insertBatch } from './ingest-support.js';
import { ASIN, BEFORE, DAY, USED, expected, newSeries, usedSeries } from './price-days-fixtures.js';
import { type TestClickHouse, envelopes } from './storage-fixtures.js';

let ch: TestClickHouse;


async function chart(): Promise<Awaited<ReturnType<typeof chartData>> extends Map<string, infer D> ? D : never> {
  const data = (await chartData(ch.client, { marketplace: 'us', asins: [ASIN], range: '1y' })).get(ASIN);
  if (!data) throw new Error('no chart data');
  return data;
}

beforeAll(async () => {
  const dataDir = makeTempDir('drom-ch-');
  const config = loadConfig({ env: {}, flags: { dataDir } });
  const client = await createClickHouse(config, { logger: silentLogger(), createDatabase: true });
  ch = { config, client, dataDir };
  // A store as it was before 0032, with history in it.
  await migrate(client, { database: config.clickhouse.database, logger: silentLogger(), upTo: 31 });
  const all = newSeries();
  await insertBatch(client, buildRows(envelopes([...all.slice(0, BEFORE.length), ...usedSeries()]), 1), 'before-1');
});

afterAll(async () => {
  await ch?.client.close();
  removeTempDirs();
});

describe('migrations 0032–0033 (price_days)', () => {
  it('keep the moves and list prices of existing history, and a second run of 0032 copies nothing twice', async () => {
    const beforeMoves = await selectRows<{ n: string }>(ch.client, 'SELECT sum(drops) + sum(increases) AS n FROM price_moves_daily');
    expect(Number(beforeMoves[0]?.n)).toBeGreaterThan(0);
    const beforeDays = await selectRows<{ n: string }>(ch.client, 'SELECT sum(points) AS n FROM price_daily');
    expect(Number(beforeDays[0]?.n)).toBe(BEFORE.length + USED.length);

    await migrate(ch.client, { database: ch.config.clickhouse.database, logger: silentLogger(), upTo: 32 });
    // 0032 cut short after its copy and run again: every statement once more.
    const m32 = loadMigrations('single').find((m) => m.version === 32);
    for (const statement of m32?.statements ?? []) await ch.client.command({ query: statement });
    const result = await migrate(ch.client, { database: ch.config.clickhouse.database, logger: silentLogger(), upTo: 33 });
    expect(result.applied.map((m) => m.version)).toEqual([33]);
    await migrate(ch.client, { database: ch.config.clickhouse.database, logger: silentLogger() });

    const tables = await selectRows<{ name: string }>(ch.client, "SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('price_daily', 'price_moves_daily', 'price_daily_mv', 'price_moves_daily_mv')");
    expect(tables).toEqual([]);
    const copied = await selectRows<{ n: string }>(ch.client, 'SELECT sum(points) AS n FROM price_days');
    expect(Number(copied[0]?.n)).toBe(BEFORE.length + USED.length);

    const newBefore = newSeries().slice(0, BEFORE.length);
    const used = usedSeries();
    const data = await chart();
    const n = expected(newBefore);
    const u = expected(used);
    expect(n.drops + n.increases).toBeGreaterThan(3);
    expect(data.moves.get('new')).toEqual({ drops: n.drops, increases: n.increases });
    expect(data.moves.get('used')).toEqual({ drops: u.drops, increases: u.increases });
    expect(new Map(data.listPrice.t.map((t, i) => [t, data.listPrice.price[i]]))).toEqual(n.list);
    // The copied rows add no day, point or price to the day figures.
    expect(new Map((data.days.get('new') ?? []).map((d) => [d.day, d.points]))).toEqual(n.points);
    expect(data.allTime.get('new')?.points).toBe(newBefore.length);
    expect(data.allTime.get('new')?.lowest).toBe(1500);
    expect(data.allTime.get('new')?.highest).toBe(2100);
  });

  it('count moves and list prices ingested after the migration, also on a day that has copied rows', async () => {
    const all = newSeries();
    const after = all.slice(BEFORE.length);
    const lastBefore = all[BEFORE.length - 1];
    // The first point after the migration falls on the same day as the last one before it.
    expect(Math.floor((after[0]?.checkedAt ?? 0) / DAY)).toBe(Math.floor((lastBefore?.checkedAt ?? 0) / DAY));
    await insertBatch(ch.client, buildRows(envelopes(after), 2), 'after-1');

    const data = await chart();
    const n = expected(all);
    expect(data.moves.get('new')).toEqual({ drops: n.drops, increases: n.increases });
    expect(new Map(data.listPrice.t.map((t, i) => [t, data.listPrice.price[i]]))).toEqual(n.list);
    expect(new Map((data.days.get('new') ?? []).map((d) => [d.day, d.points]))).toEqual(n.points);
    expect(data.allTime.get('new')?.points).toBe(all.length);
    expect(data.allTime.get('new')?.lowest).toBe(1300);

    // The engine merging the copied rows into the days' rows changes nothing.
    await ch.client.command({ query: 'OPTIMIZE TABLE price_days FINAL' });
    expect(await chart()).toEqual(data);
  });
});
