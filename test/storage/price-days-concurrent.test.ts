/**
 * Two processes migrating the same store at once (the coordinator, the alerter and the API all
 * migrate when they start): migration 0032 must still copy each row of the old daily tables once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { silentLogger } from '../../runtime/index.js';
import { createClickHouse, migrate, selectRows } from '../../storage/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { buildRows, insertBatch } from './ingest-support.js';
import { BEFORE, USED, expected, newSeries, usedSeries } from './price-days-fixtures.js';
import { envelopes } from './storage-fixtures.js';

afterAll(() => {
  removeTempDirs();
});

describe('migration 0032 run by two processes at once', () => {
  it('copies each row once', async () => {
    const dataDir = makeTempDir('drom-ch-');
    const config = loadConfig({ env: {}, flags: { dataDir } });
    const client = await createClickHouse(config, { logger: silentLogger(), createDatabase: true });
    try {
      await migrate(client, { database: config.clickhouse.database, logger: silentLogger(), upTo: 31 });
      await insertBatch(client, buildRows(envelopes([...newSeries().slice(0, BEFORE.length), ...usedSeries()]), 1), 'before-1');
      // Two migrations interleaving statement by statement (the engine runs one at a time), as the
      // coordinator, the alerter and the API do when they start together.
      const results = await Promise.allSettled([0, 1].map(() => migrate(client, { database: config.clickhouse.database, logger: silentLogger() })));
      expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
      await migrate(client, { database: config.clickhouse.database, logger: silentLogger() });
      const [copied] = await selectRows<{ points: string; moves: string }>(client, 'SELECT sum(points) AS points, sum(drops) + sum(increases) AS moves FROM price_days');
      const n = expected(newSeries().slice(0, BEFORE.length));
      const u = expected(usedSeries());
      expect(Number(copied?.points)).toBe(BEFORE.length + USED.length);
      expect(Number(copied?.moves)).toBe(n.drops + n.increases + u.drops + u.increases);
    } finally {
      await client.close();
    }
  });
});
