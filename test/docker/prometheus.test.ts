/**
 * docker/prometheus: the scrape configuration and the alert rules. promtool (Debian's prometheus
 * package) checks the configuration and the rules and runs the rules' unit tests
 * (docker/prometheus/tests); without it those three are skipped with a notice. The rest holds
 * everywhere: every alert has a test that fires it and one that keeps it quiet, carries what an
 * operator needs, and is explained in docs/operations.md; every role is scraped where it serves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { DOCKER_DIR, PROMETHEUS_DIR, findBinary, loadRuleTests, loadRules, readYaml, ruleFiles, ruleTestFiles, run } from './docker-files.js';

const PROMTOOL = findBinary('promtool');
if (!PROMTOOL) {
  console.warn('NOTICE: promtool is not installed (Debian package prometheus): the Prometheus configuration, rules and rule unit tests are NOT checked. CI installs it.');
}

const OPERATIONS = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');

interface ScrapeConfig {
  job_name: string;
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
  static_configs?: { targets: string[] }[];
}

function scrapeConfigs(): ScrapeConfig[] {
  return (readYaml(join(PROMETHEUS_DIR, 'prometheus.yml')) as { scrape_configs: ScrapeConfig[] }).scrape_configs;
}

/** GitHub's anchor of a Markdown heading. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

describe.skipIf(!PROMTOOL)('promtool', () => {
  it('accepts the scrape configuration (and the rule files it loads)', async () => {
    const result = await run(PROMTOOL!, ['check', 'config', join(PROMETHEUS_DIR, 'prometheus.yml')]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('accepts every rule file', async () => {
    const result = await run(PROMTOOL!, ['check', 'rules', ...ruleFiles()]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('passes the rules\' unit tests (each alert fires on its input series and stays quiet on the others)', async () => {
    const result = await run(PROMTOOL!, ['test', 'rules', ...ruleTestFiles()], { cwd: PROMETHEUS_DIR });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/FAILED/);
  });
});

describe('alert rules', () => {
  const rules = loadRules();
  const alerts = rules.filter((r) => r.alert);
  const tests = loadRuleTests();

  it('cover what the design names: failure and CAPTCHA rates, proxy pool, delivery, schedule and ingest lag, roles', () => {
    const names = new Set(alerts.map((a) => a.alert));
    for (const name of [
      'DromedaryScrapeFailureRateHigh',
      'DromedaryCaptchaRateHigh',
      'DromedaryProxyPoolExhausted',
      'DromedaryAlertDeliveriesFailed',
      'DromedaryAlertDeliveryFailing',
      'DromedaryScheduleLagHigh',
      'DromedaryIngestLagHigh',
      'DromedaryIngestStalled',
      'DromedaryRoleDown',
      'DromedaryRoleMissing',
    ]) {
      expect(names, name).toContain(name);
    }
    // The thresholds of the design: failures over 5 %, robot checks over 10 %.
    expect(alerts.find((a) => a.alert === 'DromedaryScrapeFailureRateHigh')!.expr).toMatch(/\)\s*>\s*0\.05\b/);
    expect(alerts.find((a) => a.alert === 'DromedaryCaptchaRateHigh')!.expr).toMatch(/\)\s*>\s*0\.10?\b/);
  });

  it('each have a unit test that fires them and one that expects them quiet', () => {
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const { doc } of tests) {
      for (const t of doc.tests) {
        for (const a of t.alert_rule_test ?? []) (a.exp_alerts?.length ? firing : quiet).add(a.alertname);
      }
    }
    const names = [...new Set(alerts.map((a) => a.alert!))];
    expect(names.filter((n) => !firing.has(n))).toEqual([]);
    expect(names.filter((n) => !quiet.has(n))).toEqual([]);
    // Every test names an alert that exists (a renamed alert would leave a test that checks nothing).
    expect([...firing, ...quiet].filter((n) => !names.includes(n))).toEqual([]);
  });

  it('are all loaded by some unit-test file', () => {
    const tested = new Set(tests.flatMap(({ file, doc }) => doc.rule_files.map((f) => join(file, '..', f))));
    expect(ruleFiles().filter((f) => !tested.has(f))).toEqual([]);
  });

  it('each carry a severity, a summary, a description and a runbook section in docs/operations.md', () => {
    const headings = new Set([...OPERATIONS.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchor(m[1]!)));
    const problems: string[] = [];
    for (const a of alerts) {
      if (!['critical', 'warning', 'info'].includes(a.labels.severity ?? '')) problems.push(`${a.alert}: severity ${a.labels.severity}`);
      for (const key of ['summary', 'description', 'runbook']) if (!a.annotations[key]) problems.push(`${a.alert}: no ${key}`);
      const runbook = /^docs\/operations\.md#(.+)$/.exec(a.annotations.runbook ?? '');
      if (!runbook) problems.push(`${a.alert}: runbook ${a.annotations.runbook} is not a section of docs/operations.md`);
      else if (!headings.has(runbook[1]!)) problems.push(`${a.alert}: docs/operations.md has no section #${runbook[1]}`);
    }
    expect(problems).toEqual([]);
  });

  it('name only jobs the scrape configuration defines', () => {
    const jobs = new Set(scrapeConfigs().map((c) => c.job_name));
    const used = new Set<string>();
    for (const r of rules) {
      for (const m of r.expr.matchAll(/job\s*=(~?)\s*"([^"]*)"/g)) for (const j of m[1] ? m[2]!.split('|') : [m[2]!]) used.add(j);
      if (r.labels.job) used.add(r.labels.job);
    }
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((j) => !jobs.has(j))).toEqual([]);
  });
});

describe('scrape configuration', () => {
  it('scrapes every role service of the compose files, on the metrics port the image sets', () => {
    const dockerfile = readFileSync(join(DOCKER_DIR, 'Dockerfile'), 'utf8');
    const env = Object.fromEntries([...dockerfile.matchAll(/\b(DROMEDARY_METRICS_PORT)=(\d+)/g)].map((m) => [m[1]!, m[2]!]));
    const port = loadConfig({ env }).metrics.port;
    expect(port).toBeGreaterThan(0);
    const scraped = new Map<string, number>();
    for (const c of scrapeConfigs()) for (const sd of c.dns_sd_configs ?? []) for (const name of sd.names) scraped.set(name, sd.port);
    const roles = new Set<string>();
    for (const file of ['compose.yml', 'compose.cluster.yml']) {
      const doc = readYaml(join(DOCKER_DIR, file)) as { services: Record<string, { command?: string[]; restart?: string }> };
      for (const [name, service] of Object.entries(doc.services)) {
        // Long-running Dromedary roles (not the one-shot steps, not the simulator).
        if (['coordinator', 'crawler', 'ingest', 'alerter', 'api'].includes(service.command?.[0] ?? '')) roles.add(name);
      }
    }
    expect(roles.size).toBeGreaterThanOrEqual(5);
    for (const role of roles) expect(scraped.get(role), `${role} is not scraped on port ${port}`).toBe(port);
  });

  it('finds scaled services through DNS A records, so new replicas are scraped without an edit', () => {
    const crawler = scrapeConfigs().find((c) => c.job_name === 'crawler');
    expect(crawler?.dns_sd_configs?.[0]?.type).toBe('A');
    expect(crawler?.dns_sd_configs?.[0]?.names).toContain('crawler');
  });
});
