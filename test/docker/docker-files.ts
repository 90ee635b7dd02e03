/**
 * What the docker tests read: the files under docker/ (compose files, Prometheus rules and rule
 * tests, Grafana provisioning and dashboards), the external checkers (docker-compose, promtool) when
 * installed, and the PromQL every dashboard and rule holds.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../helpers/cli.js';

export const DOCKER_DIR = join(PROJECT_ROOT, 'docker');
export const PROMETHEUS_DIR = join(DOCKER_DIR, 'prometheus');
export const GRAFANA_DIR = join(DOCKER_DIR, 'grafana');
export const DASHBOARDS_DIR = join(GRAFANA_DIR, 'dashboards');

/** The YAML (or JSON) file at `path`, parsed. */
export function readYaml(path: string): unknown {
  return parseYaml(readFileSync(path, 'utf8'));
}

/** Files of `dir` whose names end with `suffix`, as full paths, sorted. */
export function filesIn(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

/** The executable `name` on PATH (or in /usr/bin, /usr/local/bin), or undefined when not installed. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin` with `args` to completion; never throws on a non-zero exit. */
export function run(bin: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? process.env, maxBuffer: 32 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`${bin} could not run: ${err.message}`, { cause: err }));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** One rule of docker/prometheus/rules/*.yml. */
export interface PromRule {
  file: string;
  group: string;
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function ruleFiles(): string[] {
  return filesIn(join(PROMETHEUS_DIR, 'rules'), '.yml');
}

export function ruleTestFiles(): string[] {
  return filesIn(join(PROMETHEUS_DIR, 'tests'), '.yml');
}

/** Every rule of every rule file. */
export function loadRules(): PromRule[] {
  const rules: PromRule[] = [];
  for (const file of ruleFiles()) {
    const doc = readYaml(file) as { groups: { name: string; rules: Omit<PromRule, 'file' | 'group'>[] }[] };
    for (const group of doc.groups) {
      for (const r of group.rules) rules.push({ file, group: group.name, ...r, labels: r.labels ?? {}, annotations: r.annotations ?? {} });
    }
  }
  return rules;
}

/** A promtool unit-test file, as far as the docker tests read it. */
export interface RuleTestFile {
  rule_files: string[];
  tests: {
    name?: string;
    input_series: { series: string; values: string }[];
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[];
  }[];
}

export function loadRuleTests(): { file: string; doc: RuleTestFile }[] {
  return ruleTestFiles().map((file) => ({ file, doc: readYaml(file) as RuleTestFile }));
}

/** Grafana dashboard JSON, as far as the docker tests read it. */
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  tags?: string[];
  templating?: { list: { name: string; type: string; query?: string | { query: string }; datasource?: { type: string; uid: string } }[] };
  panels: Panel[];
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr?: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
}

export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return filesIn(DASHBOARDS_DIR, '.json').map((file) => ({ file, dashboard: JSON.parse(readFileSync(file, 'utf8')) as Dashboard }));
}

/** Every panel, rows' collapsed children included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Where a query is used, for messages. */
export interface QueryUse {
  where: string;
  expr: string;
  kind: 'panel' | 'variable' | 'rule';
}

/** The query text of a dashboard variable (a string, or Grafana's `{ query }` object). */
export function variableQuery(v: { query?: string | { query: string } }): string | undefined {
  return typeof v.query === 'string' ? v.query : v.query?.query;
}

/** Every PromQL query of the dashboards (panel targets and variable queries). */
export function dashboardQueries(): QueryUse[] {
  const uses: QueryUse[] = [];
  for (const { file, dashboard } of loadDashboards()) {
    for (const p of allPanels(dashboard)) {
      for (const t of p.targets ?? []) if (t.expr) uses.push({ where: `${file.slice(DOCKER_DIR.length + 1)} "${p.title}" ${t.refId}`, expr: t.expr, kind: 'panel' });
    }
    for (const v of dashboard.templating?.list ?? []) {
      const q = v.type === 'query' ? variableQuery(v) : undefined;
      if (q) uses.push({ where: `${file.slice(DOCKER_DIR.length + 1)} variable ${v.name}`, expr: q, kind: 'variable' });
    }
  }
  return uses;
}

/** Every rule expression. */
export function ruleQueries(): QueryUse[] {
  return loadRules().map((r) => ({ where: `${r.file.slice(DOCKER_DIR.length + 1)} ${r.alert ?? r.record}`, expr: r.expr, kind: 'rule' }));
}
