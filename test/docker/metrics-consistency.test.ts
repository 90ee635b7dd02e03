/**
 * Every metric a Grafana dashboard or a Prometheus rule (or a rule unit test) uses is one the code
 * exports, with the labels the code gives it. The exported metrics are read from the roles
 * themselves, built the way each role builds them and scraped over HTTP from the metrics server the
 * roles use — the coordinator and a crawler node started; the ingester, the alerter and the API app
 * created on their role's registry — so a renamed metric, a dropped label or a typo in a query
 * fails here. No list of names is kept.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/index.js';
import { createAlerter } from '../../alerts/index.js';
import { type Config, MARKETPLACE_CODES, loadConfig } from '../../config/index.js';
import { startCoordinator } from '../../coordinator/index.js';
import { startCrawlerNode } from '../../crawler/index.js';
import { type Redis, createMetricsRegistry, silentLogger, startMetricsServer } from '../../runtime/index.js';
import { createClickHouse, createIngester } from '../../storage/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { type QueryUse, dashboardQueries, loadRuleTests, loadRules, ruleQueries } from './docker-files.js';
import { type MetricUse, metricSelectors, variableQuerySelectors } from './promql.js';

/** A metric family as exported: its type and the label names seen on its samples (when it has any). */
interface Family {
  type: string;
  labels: Set<string>;
  sampled: boolean;
  roles: Set<string>;
}

/** Series Prometheus itself writes for every target and for alerts. */
const PROMETHEUS_SERIES: Record<string, string[]> = {
  up: ['job', 'instance'],
  scrape_duration_seconds: ['job', 'instance'],
  scrape_samples_scraped: ['job', 'instance'],
  ALERTS: ['alertname', 'alertstate', 'severity'],
  ALERTS_FOR_STATE: ['alertname', 'severity'],
};
/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

/** Reads the Prometheus text exposition into families (name → type, label names). */
function readExposition(text: string, role: string, into: Map<string, Family>): void {
  const family = (name: string): Family => {
    let f = into.get(name);
    if (!f) into.set(name, (f = { type: 'untyped', labels: new Set(), sampled: false, roles: new Set() }));
    f.roles.add(role);
    return f;
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      family(type[1]!).type = type[2]!;
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!sample) continue;
    let name = sample[1]!;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    if (!into.has(name) && into.has(base)) name = base;
    const f = family(name);
    f.sampled = true;
    for (const m of (sample[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)) if (m[1] !== 'le' && m[1] !== 'quantile') f.labels.add(m[1]!);
  }
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!res.ok) throw new Error(`scrape of port ${port}: HTTP ${res.status}`);
  return res.text();
}

/** What Prometheus sees of a role's registry: served by the metrics server the role commands start. */
async function scrapeServed(registry: Registry): Promise<string> {
  const server = await startMetricsServer([registry], { port: 0, host: '127.0.0.1' });
  try {
    return await scrape(server.port);
  } finally {
    await server.close();
  }
}

let testRedis: TestRedis;
let redis: Redis;
let clickhouse: ClickHouseClient;
const exported = new Map<string, Family>();

/** Builds every role's registry as the role does and reads what it exports. */
async function readExportedMetrics(config: Config): Promise<void> {
  const logger = silentLogger();

  // Coordinator: started, with a marketplace on the schedule so its per-marketplace series exist.
  const coordinator = await startCoordinator({ config, logger, runIngester: false });
  try {
    await coordinator.client.schedule('jp', ['B000000001']);
    readExposition(await scrape(coordinator.metrics!.port), 'coordinator', exported);
  } finally {
    await coordinator.close();
  }

  // Crawler node: started on a marketplace with nothing due (and a storefront that is nowhere).
  const node = await startCrawlerNode({ config, logger, marketplaces: ['de'], readerWorkers: 0 });
  try {
    readExposition(await scrape(node.metricsServer!.port), 'crawler', exported);
  } finally {
    await node.close();
  }

  // Ingester (in the coordinator or `dromedary ingest`), alerter and API: created on their role's
  // registry, as their commands do, without starting their loops; served as the commands serve it.
  const ingestRegistry = createMetricsRegistry('ingest');
  createIngester({ redis, clickhouse, config, logger, registry: ingestRegistry, marketplaces: MARKETPLACE_CODES });
  readExposition(await scrapeServed(ingestRegistry), 'ingest', exported);

  const alerterRegistry = createMetricsRegistry('alerter');
  createAlerter({ clickhouse, redis, config, logger, registry: alerterRegistry });
  readExposition(await scrapeServed(alerterRegistry), 'alerter', exported);

  const apiRegistry = createMetricsRegistry('api');
  const api = await buildApp({ config, clickhouse, redis, logger, registry: apiRegistry });
  try {
    readExposition(await scrapeServed(apiRegistry), 'api', exported);
  } finally {
    await api.app.close();
  }
}

beforeAll(async () => {
  testRedis = await startTestRedis();
  redis = testRedis.client('metrics-consistency');
  const config = loadConfig({
    env: {},
    flags: {
      dataDir: makeTempDir('drom-metrics-'),
      instanceId: 'metrics-consistency',
      log: { level: 'silent' },
      redis: { url: testRedis.url, keyPrefix: testRedis.keyPrefix },
      metrics: { port: 0, host: '127.0.0.1' },
      marketplaces: { de: { baseUrl: 'http://127.0.0.1:9/de' } },
    },
  });
  clickhouse = await createClickHouse(config, { logger: silentLogger(), createDatabase: true, serveBridge: false });
  await readExportedMetrics(config);
}, 120_000);

afterAll(async () => {
  await clickhouse?.close();
  await testRedis?.stop();
  removeTempDirs();
});

/** The metric selectors of every query (dashboards, rules) and every rule test's input series. */
function allUses(): { use: MetricUse; where: string }[] {
  const queries: QueryUse[] = [...dashboardQueries(), ...ruleQueries()];
  const uses = queries.flatMap((q) => (q.kind === 'variable' ? variableQuerySelectors(q.expr) : metricSelectors(q.expr)).map((use) => ({ use, where: q.where })));
  for (const { file, doc } of loadRuleTests()) {
    for (const t of doc.tests) for (const s of t.input_series) uses.push(...metricSelectors(s.series).map((use) => ({ use, where: `${file} input series` })));
  }
  return uses;
}

/** What is wrong with one use: its name is not exported (or a suffix of the wrong type), a label unknown. */
function problemsOf(use: MetricUse, recorded: Set<string>): string[] {
  if (recorded.has(use.name)) return [];
  const builtin = PROMETHEUS_SERIES[use.name];
  if (builtin) return use.labels.filter((l) => !builtin.includes(l)).map((l) => `label ${l} is not on ${use.name}`);
  let family = exported.get(use.name);
  let extra: string[] = [];
  if (family && (family.type === 'histogram' || family.type === 'summary')) return [`${use.name} is a ${family.type}: use its _bucket, _sum or _count series`];
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(use.name);
  if (!family && suffix) {
    const base = exported.get(suffix[1]!);
    if (base && (base.type === 'histogram' || (base.type === 'summary' && suffix[2] !== 'bucket'))) {
      family = base;
      if (suffix[2] === 'bucket') extra = ['le'];
    }
  }
  if (!family) return [`${use.name} is not exported by any role`];
  // Labels are known only from samples: a labelled metric that has none yet is checked by name only.
  if (!family.sampled) return [];
  const known = new Set([...family.labels, ...TARGET_LABELS, ...extra]);
  return use.labels.filter((l) => !known.has(l)).map((l) => `label ${l} is not on ${use.name} (it has ${[...family.labels].join(', ') || 'none'})`);
}

describe('metrics used by dashboards and rules', () => {
  it('reads the metrics of every role, default process metrics included', () => {
    const roles = new Set([...exported.values()].flatMap((f) => [...f.roles]));
    expect([...roles].sort()).toEqual(['alerter', 'api', 'coordinator', 'crawler', 'ingest']);
    for (const role of roles) {
      const own = [...exported.entries()].filter(([name, f]) => f.roles.has(role) && !/^dromedary_(process|nodejs)_/.test(name));
      expect(own.length, role).toBeGreaterThan(0);
    }
    expect(exported.get('dromedary_process_cpu_seconds_total')?.type).toBe('counter');
    expect([...exported.keys()].every((n) => n.startsWith('dromedary_'))).toBe(true);
  });

  it('are all exported by the code, with the labels the code gives them', () => {
    const recorded = new Set(loadRules().flatMap((r) => (r.record ? [r.record] : [])));
    const uses = allUses();
    // Not vacuous: the dashboards and rules name dozens of metrics of every role.
    const names = new Set(uses.map((u) => u.use.name));
    expect(names.size).toBeGreaterThan(30);
    const problems = [...new Set(uses.flatMap(({ use, where }) => problemsOf(use, recorded).map((p) => `${where}: ${p}`)))];
    expect(problems).toEqual([]);
  });

  it('cover every role: each role has a metric on some dashboard', () => {
    const used = new Set(dashboardQueries().flatMap((q) => metricSelectors(q.expr).map((u) => u.name.replace(/_(bucket|sum|count)$/, ''))));
    for (const role of ['coordinator', 'crawler', 'ingest', 'alerter', 'api']) {
      const own = [...exported.entries()].filter(([name, f]) => f.roles.has(role) && !/^dromedary_(process|nodejs)_/.test(name)).map(([n]) => n);
      expect(own.some((n) => used.has(n)), `${role}: none of ${own.join(', ')} is on a dashboard`).toBe(true);
    }
  });
});

describe('the PromQL reader the check relies on', () => {
  it('finds metric names and matcher labels, not functions, keywords, label lists or Grafana variables', () => {
    expect(metricSelectors('sum by (marketplace) (rate(a_total{outcome!~"ok|x",marketplace=~"$marketplace"}[$__rate_interval]))')).toEqual([
      { name: 'a_total', labels: ['outcome', 'marketplace'] },
    ]);
    expect(metricSelectors('histogram_quantile(0.95, sum by (le, kind) (rate(h_seconds_bucket{m="x"}[5m])))')).toEqual([{ name: 'h_seconds_bucket', labels: ['m'] }]);
    expect(metricSelectors('(a unless b offset 30m) and on (job, instance) (up offset 30m == 1) > bool 0').map((u) => u.name)).toEqual(['a', 'b', 'up']);
    expect(metricSelectors('label_replace(m, "dst", "$1", "src", "(.*)") / ignoring (x) group_left (y) n')).toEqual([
      { name: 'm', labels: [] },
      { name: 'n', labels: [] },
    ]);
    expect(metricSelectors('{__name__="by_name", a="1"}')).toEqual([{ name: 'by_name', labels: ['a'] }]);
    expect(metricSelectors('60 * sum(rate(c_total[$__range])) or vector(0)')).toEqual([{ name: 'c_total', labels: [] }]);
  });

  it('reads Grafana variable queries', () => {
    expect(variableQuerySelectors('label_values(g{a="b"}, marketplace)')).toEqual([{ name: 'g', labels: ['a', 'marketplace'] }]);
    expect(variableQuerySelectors('label_values(marketplace)')).toEqual([]);
    expect(variableQuerySelectors('query_result(topk(3, q))')).toEqual([{ name: 'q', labels: [] }]);
  });
});
