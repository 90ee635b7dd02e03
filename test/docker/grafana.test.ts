/**
 * docker/grafana: the provisioned datasource and dashboards. Every dashboard is valid dashboard
 * JSON that Grafana provisions as is (uid, schemaVersion, panels laid out on the 24-column grid,
 * the provisioned datasource by uid), uses only variables it defines, filters by a marketplace
 * variable where its metrics carry the label, and every query parses as PromQL (promtool, when
 * installed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GRAFANA_DIR, allPanels, dashboardQueries, findBinary, loadDashboards, readYaml, run, variableQuery } from './docker-files.js';
import { metricSelectors, substituteGrafanaVariables } from './promql.js';

const PROMTOOL = findBinary('promtool');
if (!PROMTOOL) console.warn('NOTICE: promtool is not installed (Debian package prometheus): the dashboards\' PromQL is NOT syntax-checked. CI installs it.');

/** Variables Grafana itself defines. */
const BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms', '__from', '__to', '__all', '__dashboard', '__name']);

const datasources = readYaml(join(GRAFANA_DIR, 'provisioning', 'datasources', 'prometheus.yml')) as { datasources: { uid: string; type: string; url: string }[] };
const DATASOURCE = datasources.datasources[0]!;

describe('provisioning', () => {
  it('provides the Prometheus of the compose files under a fixed uid', () => {
    expect(DATASOURCE.type).toBe('prometheus');
    expect(new URL(DATASOURCE.url).hostname).toBe('prometheus');
    expect(DATASOURCE.uid).toMatch(/^[a-zA-Z0-9-_]{1,40}$/);
  });

  it('loads dashboards from files, read-only', () => {
    const doc = readYaml(join(GRAFANA_DIR, 'provisioning', 'dashboards', 'dromedary.yml')) as { providers: { type: string; allowUiUpdates: boolean; options: { path: string } }[] };
    expect(doc.providers).toHaveLength(1);
    expect(doc.providers[0]!.type).toBe('file');
    expect(doc.providers[0]!.allowUiUpdates).toBe(false);
  });
});

describe('dashboards', () => {
  const dashboards = loadDashboards();

  it('cover the crawl overview, proxies, ingestion and storage, alerts and the API, each with its own uid', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(expect.arrayContaining(['dromedary-crawl-overview', 'dromedary-proxies', 'dromedary-ingestion', 'dromedary-alerts', 'dromedary-api']));
  });

  for (const { file, dashboard } of loadDashboards()) {
    const name = file.slice(file.lastIndexOf('/') + 1);

    it(`${name}: is provisionable dashboard JSON (uid, title, schemaVersion, panels with ids and gridPos)`, () => {
      expect(dashboard.uid).toMatch(/^[a-zA-Z0-9-_]{1,40}$/);
      expect(dashboard.title).toMatch(/^Dromedary \/ /);
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      const panels = allPanels(dashboard);
      expect(panels.length).toBeGreaterThan(3);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels) {
        const g = p.gridPos;
        expect(Number.isInteger(g.x) && Number.isInteger(g.y) && g.w > 0 && g.h > 0, `${p.title} gridPos`).toBe(true);
        expect(g.x + g.w, `${p.title} fits the 24 columns`).toBeLessThanOrEqual(24);
      }
    });

    it(`${name}: panels do not overlap`, () => {
      const cells = new Map<string, string>();
      const overlaps: string[] = [];
      for (const p of dashboard.panels) {
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            const other = cells.get(`${x},${y}`);
            if (other) overlaps.push(`${p.title} / ${other}`);
            cells.set(`${x},${y}`, p.title);
          }
        }
      }
      expect([...new Set(overlaps)]).toEqual([]);
    });

    it(`${name}: every query panel and variable uses the provisioned datasource by uid`, () => {
      const wrong: string[] = [];
      for (const p of allPanels(dashboard)) {
        if (p.type === 'row') continue;
        if (p.datasource?.uid !== DATASOURCE.uid) wrong.push(`panel ${p.title}`);
        expect(p.targets?.length, `${p.title} has no query`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          if (t.datasource && t.datasource.uid !== DATASOURCE.uid) wrong.push(`${p.title} ${t.refId}`);
          expect(t.expr, `${p.title} ${t.refId}`).toBeTruthy();
        }
      }
      for (const v of dashboard.templating?.list ?? []) if (v.type === 'query' && v.datasource?.uid !== DATASOURCE.uid) wrong.push(`variable ${v.name}`);
      expect(wrong).toEqual([]);
    });

    it(`${name}: uses only variables it defines, and filters by marketplace where its metrics have the label`, () => {
      const defined = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
      const exprs = allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
      const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]!)));
      expect([...used].filter((v) => !defined.has(v) && !BUILTIN_VARIABLES.has(v))).toEqual([]);
      const marketplace = (dashboard.templating?.list ?? []).find((v) => v.name === 'marketplace');
      const filtersByMarketplace = exprs.some((e) => metricSelectors(e).some((s) => s.labels.includes('marketplace')));
      if (filtersByMarketplace) {
        expect(marketplace, 'a marketplace variable').toBeDefined();
        expect(variableQuery(marketplace!)).toMatch(/^label_values\(\w+, marketplace\)$/);
      }
    });
  }

  it('include a templated marketplace variable in the per-marketplace dashboards', () => {
    for (const uid of ['dromedary-crawl-overview', 'dromedary-proxies', 'dromedary-ingestion', 'dromedary-alerts']) {
      const d = dashboards.find((x) => x.dashboard.uid === uid)!.dashboard;
      expect(d.templating?.list.map((v) => v.name), uid).toContain('marketplace');
    }
  });

  it.skipIf(!PROMTOOL)('hold only queries that parse as PromQL', async () => {
    // promtool checks the syntax of rule expressions: each query becomes a recording rule.
    const queries = dashboardQueries().filter((q) => q.kind === 'panel');
    expect(queries.length).toBeGreaterThan(50);
    const dir = mkdtempSync(join(tmpdir(), 'drom-dash-'));
    try {
      const file = join(dir, 'dashboards.yml');
      const rules = queries.map((q, i) => ({ record: `dashboard:query:${i}`, expr: substituteGrafanaVariables(q.expr) }));
      writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
      const result = await run(PROMTOOL!, ['check', 'rules', file]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
