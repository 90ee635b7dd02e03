/**
 * History import from CSV (validated row by row, nothing written with bad rows, idempotent, feeding
 * every view, never raising alerts) and the top drops as JSON and RSS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartResponseSchema } from '../../contracts/index.js';
import { ADMIN, type ApiEnv, DAY_MS, json, startApiEnv, writeHistory } from './api-fixture.js';

const HEADER = 'marketplace,asin,series,checked_at,price,currency,list_price,availability';
let env: ApiEnv;

beforeAll(async () => {
  env = await startApiEnv();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

function iso(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString();
}

async function importCsv(csv: string, query = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await env.app.inject({ method: 'POST', url: `/api/v1/admin/import${query}`, headers: { ...ADMIN, 'content-type': 'text/csv' }, payload: csv });
  return { status: response.statusCode, body: json(response) };
}

async function count(asin: string): Promise<number> {
  const result = await env.clickhouse.query({ query: 'SELECT count() AS n FROM price_points WHERE asin = {asin:String}', query_params: { asin }, format: 'JSONEachRow' });
  return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
}

describe('history import', () => {
  const good = [
    HEADER,
    `us,B0IMPORT01,new,${iso(40 * DAY_MS)},25.00,USD,30.00,in_stock`,
    `us,B0IMPORT01,new,${iso(30 * DAY_MS)},22.50,USD,30.00,`,
    `us,B0IMPORT01,new,${iso(20 * DAY_MS)},,USD,,out_of_stock`,
    `us,b0import01,new,${iso(10 * DAY_MS)},19.99,USD,30.00,in_stock`,
    `jp,B0IMPORT02,new,${Date.now() - 5 * DAY_MS},1290,JPY,,`,
  ];

  it('reports every bad row with its line and writes nothing when any row is bad', async () => {
    const csv = [
      ...good,
      'xx,B0IMPORT01,new,2025-01-01T00:00:00Z,1.00,USD,,',
      'us,NOTANASIN!,new,2025-01-01T00:00:00Z,1.00,USD,,',
      'us,B0IMPORT01,blue,2025-01-01T00:00:00Z,1.00,USD,,',
      'us,B0IMPORT01,new,yesterday,1.00,USD,,',
      'us,B0IMPORT01,new,2025-01-01T00:00:00,1.00,USD,,',
      'us,B0IMPORT01,new,2025-01-01T00:00:00Z,1.001,USD,,',
      'us,B0IMPORT01,new,2025-01-01T00:00:00Z,1.00,EUR,,',
      'us,B0IMPORT01,new,2025-01-01T00:00:00Z,1.00,USD,,maybe',
      'us,B0IMPORT01,new,2025-01-01T00:00:00Z',
      `jp,B0IMPORT02,new,2025-01-01T00:00:00Z,12.90,JPY,,`,
    ].join('\n');
    const { status, body } = await importCsv(csv);
    expect(status).toBe(422);
    expect(body).toMatchObject({ rows: 15, valid: 5, invalid: 10, inserted: 0, written: false });
    const errors = body.errors as { line: number; message: string }[];
    expect(errors.map((e) => e.line)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/unknown marketplace[\s\S]*not an ASIN[\s\S]*unknown series[\s\S]*checked_at[\s\S]*time zone[\s\S]*decimals[\s\S]*currency[\s\S]*availability[\s\S]*fields[\s\S]*decimals/);
    expect(await count('B0IMPORT01')).toBe(0);
  });

  it('validates only with dryRun, and writes the good rows with skipInvalid', async () => {
    const dry = await importCsv(good.join('\n'), '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ valid: 5, invalid: 0, inserted: 0, dryRun: true });
    expect(await count('B0IMPORT01')).toBe(0);
    const partial = await importCsv([...good, 'us,B0IMPORT01,new,garbage,1,USD,,'].join('\n'), '?skipInvalid=true');
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ valid: 5, invalid: 1, inserted: 5, written: true, duplicates: 0 });
    expect(await count('B0IMPORT01')).toBe(4);
  });

  it('adds nothing when the same history is imported again', async () => {
    const again = await importCsv(good.join('\n'));
    expect(again.body).toMatchObject({ valid: 5, inserted: 0, duplicates: 5 });
    expect(await count('B0IMPORT01')).toBe(4);
  });

  it('feeds the rollups and statistics like ingested points, with previous prices chained, and raises no alert', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/api/v1/products/B0IMPORT01/chart?range=3m&condition=new' });
    const chart = chartResponseSchema.parse(json(response));
    const stats = chart.statistics.find((s) => s.series === 'new')!;
    expect(stats).toMatchObject({ current: 1_999, drops: 1, allTime: { lowest: 1_999, highest: 2_500 } });
    expect(chart.lines.find((l) => l.series === 'list')?.price.every((p) => p === 3_000)).toBe(true);
    const rows = await env.clickhouse.query({
      query: "SELECT price, previous_price, toUInt32(ingest_seq) AS seq FROM price_points WHERE asin = 'B0IMPORT01' ORDER BY checked_at",
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([
      { price: 2_500, previous_price: null, seq: 0 },
      { price: 2_250, previous_price: 2_500, seq: 0 },
      { price: null, previous_price: 2_250, seq: 0 },
      { price: 1_999, previous_price: null, seq: 0 },
    ]);
    // The alerter reads changes above its cursor (≥ 0): imported history (sequence 0) is never among them.
    const changes = await env.clickhouse.query({ query: "SELECT toUInt32(count()) AS n FROM price_changes WHERE asin = 'B0IMPORT01' AND ingest_seq > 0", format: 'JSONEachRow' });
    expect(await changes.json()).toEqual([{ n: 0 }]);
    const jp = chartResponseSchema.parse(json(await env.app.inject({ method: 'GET', url: '/api/v1/products/B0IMPORT02/chart?marketplace=jp&range=1m' })));
    expect(jp.statistics[0]?.current).toBe(1_290);
  });

  it('round-trips: what the CSV export writes, the import reads back', async () => {
    const exported = await env.app.inject({ method: 'GET', url: '/api/v1/products/B0IMPORT01/history.csv?range=3m' });
    const csv = exported.body.replace(/B0IMPORT01/g, 'B0IMPORT03');
    const { body } = await importCsv(csv);
    expect(body).toMatchObject({ invalid: 0, inserted: 4 });
    expect(await count('B0IMPORT03')).toBe(4);
  });

  it('refuses what is not such a CSV', async () => {
    const wrongHeader = await importCsv('asin,price\nB0IMPORT01,1.00');
    expect(wrongHeader.status).toBe(400);
    expect(wrongHeader.body.message).toMatch(/first line must be the header/);
    const broken = await importCsv(`${HEADER}\n"us,B0IMPORT01,new`);
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/not a readable CSV/);
  });
});

describe('top drops', () => {
  beforeAll(async () => {
    const now = Date.now();
    // Big relative drop, small amount.
    await writeHistory(env.clickhouse, { asin: 'B0DROPREL1', title: 'Cheap Cable', breadcrumb: 'Electronics › Cables' }, {
      new: [{ at: now - 5 * DAY_MS, price: 2_000 }, { at: now - 2 * DAY_MS, price: 1_000 }],
    });
    // Big absolute drop, small ratio.
    await writeHistory(env.clickhouse, { asin: 'B0DROPABS1', title: 'Big Television', breadcrumb: 'Home › TV' }, {
      new: [{ at: now - 5 * DAY_MS, price: 100_000 }, { at: now - 2 * DAY_MS, price: 80_000 }],
    });
    // Dropped, then back up: no longer a deal.
    await writeHistory(env.clickhouse, { asin: 'B0DROPGONE', title: 'Gone Deal', breadcrumb: 'Electronics › Misc' }, {
      new: [{ at: now - 5 * DAY_MS, price: 10_000 }, { at: now - 3 * DAY_MS, price: 5_000 }, { at: now - DAY_MS, price: 10_000 }],
    });
    // Dropped long ago.
    await writeHistory(env.clickhouse, { asin: 'B0DROPOLD1', title: 'Old Drop', breadcrumb: 'Electronics › Misc' }, {
      new: [{ at: now - 60 * DAY_MS, price: 10_000 }, { at: now - 50 * DAY_MS, price: 1_000 }],
    });
  });

  it('ranks drops by percentage or amount within the period, keeps only those still holding', async () => {
    const relative = json<{ items: { asin: string; dropPercent: number; previousPrice: number; price: number }[] }>(
      await env.app.inject({ method: 'GET', url: '/api/v1/drops?period=1w&sort=relative' }),
    );
    expect(relative.items.map((d) => d.asin)).toEqual(['B0DROPREL1', 'B0DROPABS1']);
    expect(relative.items[0]).toMatchObject({ dropPercent: 50, previousPrice: 2_000, price: 1_000 });
    const absolute = json<{ items: { asin: string }[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/drops?period=1w&sort=absolute' }));
    expect(absolute.items.map((d) => d.asin)).toEqual(['B0DROPABS1', 'B0DROPREL1']);
    const minimum = json<{ items: { asin: string }[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/drops?period=1w&minPercent=30' }));
    expect(minimum.items.map((d) => d.asin)).toEqual(['B0DROPREL1']);
    const amount = json<{ items: { asin: string }[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/drops?period=1w&minAmount=5000' }));
    expect(amount.items.map((d) => d.asin)).toEqual(['B0DROPABS1']);
    const category = json<{ items: { asin: string }[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/drops?period=1w&category=home' }));
    expect(category.items.map((d) => d.asin)).toEqual(['B0DROPABS1']);
    const month = json<{ items: { asin: string }[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/drops?period=1m' }));
    expect(month.items.map((d) => d.asin)).not.toContain('B0DROPOLD1');
    const otherMarket = json<{ items: unknown[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/drops?marketplace=de' }));
    expect(otherMarket.items).toEqual([]);
  });

  it('serves the same list as RSS', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/api/v1/drops.rss?period=1w&sort=relative' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/rss\+xml/);
    const items = response.body.match(/<item>/g) ?? [];
    expect(items).toHaveLength(2);
    expect(response.body).toContain('<title>Cheap Cable: $10.00 (−50 %, was $20.00)</title>');
    expect(response.body).toMatch(/<link>http:\/\/[^<]+\/products\/us\/B0DROPREL1<\/link>/);
  });
});
