/**
 * docker/: the image and the compose files. Compose files are validated by Debian's docker-compose
 * (v1, `docker-compose config`) when it is installed — there is no Docker engine here — and their
 * resolved form is checked against the code: every role runs a real CLI command with real options,
 * every environment variable is one the configuration (or the image it is given to) reads and makes
 * a valid configuration, every host a URL names is a service, the ClickHouse cluster files agree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../../cli/program.js';
import { ENV_BINDINGS, loadConfig } from '../../config/index.js';
import { createMetricsRegistry, startMetricsServer } from '../../runtime/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { DOCKER_DIR, findBinary, readYaml, run } from './docker-files.js';

const COMPOSE = findBinary('docker-compose');
if (!COMPOSE) {
  console.warn('NOTICE: docker-compose is not installed (Debian package docker-compose): the compose files are NOT validated. CI installs it.');
}

const SECRET = 'compose-test-secret-0123456789';
const CLUSTER_XML = join(DOCKER_DIR, 'clickhouse', 'cluster.xml');
const KEEPER_XML = join(DOCKER_DIR, 'clickhouse', 'keeper.xml');
const DOCKERFILE = readFileSync(join(DOCKER_DIR, 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  volumes?: (string | { type: string; source: string; target: string; read_only?: boolean })[];
  hostname?: string;
  profiles?: string[];
  healthcheck?: { test: string[] | string };
}
interface Resolved {
  services: Record<string, Service>;
}

/** The compose setups docs/operations.md describes, and the services each promises. */
const SETUPS = [
  {
    name: 'single host',
    files: ['compose.yml'],
    services: ['redis', 'clickhouse', 'migrate', 'coordinator', 'crawler', 'crawler-browser', 'alerter', 'api', 'prometheus', 'grafana', 'mailpit'],
  },
  {
    name: 'single host with the demo',
    files: ['compose.yml', 'compose.demo.yml'],
    services: ['sim', 'demo-seed', 'coordinator', 'crawler', 'api'],
  },
  {
    name: 'cluster',
    files: ['compose.cluster.yml'],
    services: [
      'keeper-1', 'keeper-2', 'keeper-3', 'ch-s1r1', 'ch-s1r2', 'ch-s2r1', 'ch-s2r2',
      'redis', 'migrate', 'coordinator', 'ingester', 'crawler', 'alerter', 'api', 'prometheus', 'grafana',
    ],
  },
] as const;

/** A small, fixed environment: the test must not depend on the caller's shell or a local docker/.env. */
function composeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', ...extra };
}

function composeArgs(files: readonly string[]): string[] {
  // .env.example is the settings file people copy: validating with it checks it too.
  return ['--env-file', join(DOCKER_DIR, '.env.example'), ...files.flatMap((f) => ['-f', join(DOCKER_DIR, f)])];
}

const resolved = new Map<string, Resolved>();

beforeAll(async () => {
  if (!COMPOSE) return;
  for (const setup of SETUPS) {
    const result = await run(COMPOSE, [...composeArgs(setup.files), 'config'], { env: composeEnv({ DROMEDARY_SECRET: SECRET }) });
    if (result.code !== 0) throw new Error(`docker-compose config failed for ${setup.name}:\n${result.stderr}`);
    resolved.set(setup.name, parseYaml(result.stdout) as Resolved);
  }
});

/** Services that run Dromedary's image (built from docker/Dockerfile). */
function isDromedary(service: Service): boolean {
  return service.build?.dockerfile === 'docker/Dockerfile' || /^dromedary(:|$)/.test(service.image ?? '');
}

function args(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

/** The invocations of the dromedary CLI a service makes: its command, or those inside a shell script. */
function invocations(service: Service): string[][] {
  const entrypoint = args(service.entrypoint);
  if (entrypoint.length === 0) return [args(service.command)];
  const script = args(service.command).join(' ');
  return [...script.matchAll(/dromedary\.js((?:\s+[^\s;&|>]+)+)/g)].map((m) => m[1]!.trim().split(/\s+/));
}

/** What is wrong with running `dromedary <argv>` (empty: a real command with real options). */
function checkInvocation(program: Command, argv: readonly string[]): string[] {
  const problems: string[] = [];
  const globalLongs = new Set(program.options.map((o) => o.long));
  let command: Command = program;
  const rest = [...argv];
  while (rest.length > 0) {
    const word = rest.shift()!;
    if (word.startsWith('-')) {
      const long = word.split('=')[0]!;
      const option = command.options.find((o) => o.long === long || o.short === long) ?? program.options.find((o) => o.long === long);
      if (!option && !globalLongs.has(long)) problems.push(`${command.name()}: unknown option ${long}`);
      if (option && (option.required || option.optional) && !word.includes('=')) rest.shift();
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) command = sub;
    else if (command === program) problems.push(`unknown command ${word}`);
    else if (command.commands.length > 0) problems.push(`${command.name()}: unknown subcommand ${word}`);
  }
  if (command === program) problems.push('no command');
  return problems;
}

/** Environment variables a third-party image reads, by image repository. */
const IMAGE_ENV: Record<string, (name: string) => boolean> = {
  'clickhouse/clickhouse-server': (n) =>
    ['CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'CLICKHOUSE_DB', 'CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT', 'CLICKHOUSE_SKIP_USER_SETUP'].includes(n),
  'clickhouse/clickhouse-keeper': () => false,
  'grafana/grafana': (n) => /^GF_[A-Z0-9_]+$/.test(n),
  'axllent/mailpit': (n) => /^MP_[A-Z0-9_]+$/.test(n),
  redis: () => false,
  'prom/prometheus': () => false,
};

/** Variables a ClickHouse XML file takes from the environment (`from_env`). */
function fromEnvNames(xmlPath: string): string[] {
  return [...readFileSync(xmlPath, 'utf8').matchAll(/from_env="([A-Z0-9_]+)"/g)].map((m) => m[1]!);
}

/** Host-side files a service mounts (docker-compose v1 prints `source:target:mode`, newer ones objects). */
function mountedFiles(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((v) => {
    if (typeof v === 'object') return v.type === 'bind' ? [{ source: v.source, target: v.target }] : [];
    const [source, target] = v.split(':');
    return source?.startsWith('/') && target ? [{ source, target }] : [];
  });
}

/** Container paths a service keeps in named volumes. */
function namedVolumeTargets(service: Service): string[] {
  return (service.volumes ?? []).flatMap((v) => {
    if (typeof v === 'object') return v.type === 'volume' ? [v.target] : [];
    const [source, target] = v.split(':');
    return source && !source.startsWith('/') && !source.startsWith('.') && target ? [target] : [];
  });
}

/** The image's ENV (name → value), from the Dockerfile. */
function dockerfileEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of DOCKERFILE.matchAll(/^ENV\s+((?:.*\\\n)*.*)$/gm)) {
    for (const pair of m[1]!.replace(/\\\n/g, ' ').matchAll(/([A-Z0-9_]+)=(\S+)/g)) env[pair[1]!] = pair[2]!;
  }
  return env;
}

describe('the image (docker/Dockerfile)', () => {
  const stages = [...DOCKERFILE.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)/gim)].map((m) => ({ from: m[1]!, name: m[2]! }));

  it('is multi-stage: a build stage, production dependencies, and the runtime stage last (the default target)', () => {
    const names = stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['build', 'deps', 'runtime', 'browser']));
    expect(names.at(-1)).toBe('runtime');
    expect(DOCKERFILE).toMatch(/npm run build/);
    expect(DOCKERFILE).toMatch(/--omit=dev --ignore-scripts/);
    expect(DOCKERFILE).toMatch(/ARG NODE_IMAGE=node:20-bookworm-slim/);
  });

  it('runs the CLI as its entry point, as a non-root user, with the role as the command', () => {
    const entry = /^ENTRYPOINT\s+(\[.*\])$/m.exec(DOCKERFILE);
    expect(entry).not.toBeNull();
    const entrypoint = JSON.parse(entry![1]!) as string[];
    expect(entrypoint.slice(-2)).toEqual(['node', '/app/bin/dromedary.js']);
    // The file the entry point runs, relative to /app, exists and starts the compiled CLI.
    expect(readFileSync(join(PROJECT_ROOT, 'bin', 'dromedary.js'), 'utf8')).toMatch(/dist\/cli\/main\.js/);
    const users = [...DOCKERFILE.matchAll(/^USER\s+(\S+)$/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    const cmds = [...DOCKERFILE.matchAll(/^CMD\s+(\[.*\])$/gm)].map((m) => JSON.parse(m[1]!) as string[]);
    const program = buildProgram();
    const browserCmd = cmds.find((c) => c[0] === 'crawler');
    expect(browserCmd).toBeDefined();
    expect(checkInvocation(program, browserCmd!)).toEqual([]);
  });

  it('installs Debian Chromium and fonts in the browser target, pointed to by the configuration', () => {
    const browser = DOCKERFILE.slice(DOCKERFILE.indexOf('AS browser'), DOCKERFILE.indexOf('AS runtime'));
    expect(browser).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(browser).toMatch(/fonts-/);
    const config = loadConfig({ env: { CHROMIUM_PATH: '/usr/bin/chromium', DROMEDARY_BROWSER: 'true' } });
    expect(config.crawler.chromiumPath).toBe('/usr/bin/chromium');
    expect(browser).toMatch(/CHROMIUM_PATH=\/usr\/bin\/chromium/);
  });

  it('sets only environment variables the configuration reads (and NODE_ENV), forming a valid configuration', () => {
    const env = dockerfileEnv();
    const known = new Set(ENV_BINDINGS.map(([name]) => name));
    const unknown = Object.keys(env).filter((n) => !known.has(n) && n !== 'NODE_ENV');
    expect(unknown).toEqual([]);
    const config = loadConfig({ env });
    expect(config.metrics.port).toBe(9464);
    expect(config.api.host).toBe('0.0.0.0');
  });

  it('health-checks /healthz on the metrics port, which every role serves', async () => {
    const health = /^HEALTHCHECK[\s\S]*?CMD\s+(\[.*\])$/m.exec(DOCKERFILE);
    expect(health).not.toBeNull();
    const script = (JSON.parse(health![1]!) as string[]).join(' ');
    expect(script).toMatch(/DROMEDARY_METRICS_PORT/);
    const path = /\/healthz/.exec(script)?.[0];
    expect(path).toBe('/healthz');
    const server = await startMetricsServer([createMetricsRegistry('test')], { port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('copies only what exists, and the build context leaves out dependencies, builds and data', () => {
    for (const m of DOCKERFILE.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)) {
      for (const source of m[1]!.split(/\s+/)) {
        if (source !== '.') expect(existsSync(join(PROJECT_ROOT, source)), `COPY ${source}`).toBe(true);
      }
    }
    const ignore = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data', '.git']));
  });
});

describe.skipIf(!COMPOSE)('the compose files, checked by docker-compose', () => {
  let program: Command;
  beforeAll(() => {
    program = buildProgram();
  });

  for (const setup of SETUPS) {
    it(`${setup.name}: docker-compose config -q accepts ${setup.files.join(' + ')}`, async () => {
      const result = await run(COMPOSE!, [...composeArgs(setup.files), 'config', '-q'], { env: composeEnv({ DROMEDARY_SECRET: SECRET }) });
      expect(result.stderr).not.toMatch(/WARNING|ERROR/);
      expect(result.code).toBe(0);
    });

    it(`${setup.name}: has the services it promises`, () => {
      expect(Object.keys(resolved.get(setup.name)!.services)).toEqual(expect.arrayContaining([...setup.services]));
    });

    it(`${setup.name}: every role runs a real dromedary command with real options`, () => {
      const problems: string[] = [];
      let checked = 0;
      for (const [name, service] of Object.entries(resolved.get(setup.name)!.services)) {
        if (!isDromedary(service)) continue;
        const calls = invocations(service);
        expect(calls.length, `${name} runs no dromedary command`).toBeGreaterThan(0);
        for (const argv of calls) {
          checked++;
          problems.push(...checkInvocation(program, argv).map((p) => `${name}: ${p}`));
        }
        if (service.build) {
          expect(DOCKERFILE, `${name}: build target ${service.build.target}`).toMatch(new RegExp(`^FROM .* AS ${service.build.target ?? 'runtime'}$`, 'm'));
        }
      }
      expect(checked).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });

    it(`${setup.name}: sets only environment variables the configuration or the image reads, forming a valid configuration`, () => {
      const known = new Set(ENV_BINDINGS.map(([name]) => name));
      const imageEnv = dockerfileEnv();
      const problems: string[] = [];
      for (const [name, service] of Object.entries(resolved.get(setup.name)!.services)) {
        const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v ?? '']));
        if (isDromedary(service)) {
          for (const key of Object.keys(env)) if (!known.has(key)) problems.push(`${name}: ${key} is not read by the configuration`);
          try {
            loadConfig({ env: { ...imageEnv, ...env } });
          } catch (err) {
            problems.push(`${name}: ${(err as Error).message}`);
          }
          continue;
        }
        const repository = (service.image ?? '').replace(/:[^/]*$/, '');
        const reads = IMAGE_ENV[repository];
        if (!reads) {
          problems.push(`${name}: image ${service.image} is not known to this test`);
          continue;
        }
        const xmlNames = new Set(mountedFiles(service).filter((f) => f.source.endsWith('.xml')).flatMap((f) => fromEnvNames(f.source)));
        for (const key of Object.keys(env)) if (!reads(key) && !xmlNames.has(key)) problems.push(`${name}: ${key} is not read by ${repository}`);
        for (const needed of xmlNames) if (!env[needed]) problems.push(`${name}: its ClickHouse configuration needs ${needed}`);
      }
      expect(problems).toEqual([]);
    });

    it(`${setup.name}: every host a URL names is one of its services`, () => {
      const services = resolved.get(setup.name)!.services;
      const problems: string[] = [];
      for (const [name, service] of Object.entries(services)) {
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          if (!value || !/^(redis|https?|smtps?):\/\//.test(value)) continue;
          const host = new URL(value).hostname;
          if (host !== 'localhost' && !(host in services)) problems.push(`${name}: ${key} names ${host}, not a service`);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`${setup.name}: keeps Redis, ClickHouse and Keeper state in named volumes`, () => {
      const { services } = resolved.get(setup.name)!;
      const stateful: [RegExp, string][] = [
        [/^redis(:|$)/, '/data'],
        [/^clickhouse\/clickhouse-server(:|$)/, '/var/lib/clickhouse'],
        [/^clickhouse\/clickhouse-keeper(:|$)/, '/var/lib/clickhouse-keeper'],
      ];
      let checked = 0;
      for (const [name, service] of Object.entries(services)) {
        for (const [image, path] of stateful) {
          if (!image.test(service.image ?? '')) continue;
          checked++;
          expect(namedVolumeTargets(service), name).toContain(path);
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it(`${setup.name}: the roles wait for the schema; the schema waits for ClickHouse to be healthy`, () => {
      const services = resolved.get(setup.name)!.services;
      const migrate = services.migrate!;
      const clickhouseNodes = Object.entries(services).filter(([, s]) => /clickhouse-server/.test(s.image ?? '')).map(([n]) => n);
      expect(clickhouseNodes.length).toBeGreaterThan(0);
      for (const node of clickhouseNodes) expect(migrate.depends_on?.[node]?.condition, `migrate → ${node}`).toBe('service_healthy');
      for (const role of ['coordinator', 'crawler', 'alerter', 'api', 'ingester', 'demo-seed']) {
        if (!services[role]) continue;
        expect(services[role].depends_on?.migrate?.condition, `${role} → migrate`).toBe('service_completed_successfully');
      }
    });
  }

  it('single host: the coordinator runs the ingester, crawlers are scaled, mail goes to the SMTP catcher', () => {
    const { services } = resolved.get('single host')!;
    expect(invocations(services.coordinator!)[0]).toEqual(['coordinator']);
    expect(services.crawler!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(new URL(services.alerter!.environment!.SMTP_URL!).hostname).toBe('mailpit');
    expect(services['crawler-browser']!.profiles).toEqual(['browser']);
    expect(services['crawler-browser']!.build?.target).toBe('browser');
  });

  it('single host: refuses to start without DROMEDARY_SECRET, saying what to set', async () => {
    const result = await run(COMPOSE!, [...composeArgs(['compose.yml']), 'config', '-q'], { env: composeEnv() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/DROMEDARY_SECRET/);
  });

  it('demo: every storefront the crawlers use points at the simulator', () => {
    const { services } = resolved.get('single host with the demo')!;
    const crawler = services.crawler!.environment!;
    const markets = crawler.DROMEDARY_CRAWLER_MARKETPLACES!.split(',');
    for (const m of markets) expect(new URL(crawler[`DROMEDARY_BASE_URL_${m.toUpperCase()}`]!).hostname).toBe('sim');
    const seeded = invocations(services['demo-seed']!);
    expect(seeded.some((argv) => argv[0] === 'admin' && argv[1] === 'add')).toBe(true);
  });

  it('cluster: 2 shards × 2 replicas with 3 keepers, the cluster schema variant, crawlers scaled out', () => {
    const { services } = resolved.get('cluster')!;
    const xml = readFileSync(CLUSTER_XML, 'utf8');
    const clusterName = services.migrate!.environment!.CLICKHOUSE_CLUSTER!;
    expect(invocations(services.migrate!)[0]).toEqual(['migrate', '--cluster', clusterName]);
    // The cluster the roles name is the one remote_servers defines.
    const cluster = new RegExp(`<${clusterName}>([\\s\\S]*?)</${clusterName}>`).exec(xml);
    expect(cluster, `remote_servers has no cluster ${clusterName}`).not.toBeNull();
    const shards = [...cluster![1]!.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) => [...m[1]!.matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]!));
    expect(shards.map((s) => s.length)).toEqual([2, 2]);
    shards.forEach((hosts, i) => {
      for (const host of hosts) {
        const node = services[host];
        expect(node, `${host} is not a service`).toBeDefined();
        expect(node!.environment!.REPLICA).toBe(host);
        expect(Number(node!.environment!.SHARD)).toBe(i + 1);
        expect(mountedFiles(node!).map((f) => f.source)).toContain(CLUSTER_XML);
        expect(node!.hostname).toBe(host);
      }
    });
    // Every role of the cluster uses the cluster variant.
    for (const role of ['coordinator', 'ingester', 'crawler', 'alerter', 'api']) expect(services[role]!.environment!.CLICKHOUSE_CLUSTER).toBe(clusterName);
    // Keepers: the Raft members are the keeper services, each with its own id.
    const keeperXml = readFileSync(KEEPER_XML, 'utf8');
    const raft = [...keeperXml.matchAll(/<server>\s*<id>(\d+)<\/id>\s*<hostname>([^<]+)<\/hostname>/g)].map((m) => ({ id: m[1]!, host: m[2]! }));
    expect(raft).toHaveLength(3);
    for (const { id, host } of raft) {
      expect(services[host]?.environment?.KEEPER_SERVER_ID, host).toBe(id);
      expect(mountedFiles(services[host]!).map((f) => f.source)).toContain(KEEPER_XML);
    }
    const zookeeper = [.../<zookeeper>([\s\S]*?)<\/zookeeper>/.exec(xml)![1]!.matchAll(/<host>([^<]+)<\/host>/g)].map((m) => m[1]);
    expect(zookeeper.sort()).toEqual(raft.map((r) => r.host).sort());
    expect(services.crawler!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.ingester!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(invocations(services.coordinator!)[0]).toEqual(['coordinator', '--no-ingester']);
  });

  it('mounts the Prometheus configuration and the Grafana provisioning where they are read', () => {
    const dashboardsProvider = readYaml(join(DOCKER_DIR, 'grafana', 'provisioning', 'dashboards', 'dromedary.yml')) as { providers: { options: { path: string } }[] };
    const dashboardsPath = dashboardsProvider.providers[0]!.options.path;
    for (const setup of ['single host', 'cluster']) {
      const { services } = resolved.get(setup)!;
      const prometheus = mountedFiles(services.prometheus!);
      expect(prometheus).toContainEqual({ source: join(DOCKER_DIR, 'prometheus'), target: '/etc/prometheus' });
      expect(args(services.prometheus!.command)).toContain('--config.file=/etc/prometheus/prometheus.yml');
      const grafana = mountedFiles(services.grafana!);
      expect(grafana).toContainEqual({ source: join(DOCKER_DIR, 'grafana', 'provisioning'), target: '/etc/grafana/provisioning' });
      expect(grafana).toContainEqual({ source: join(DOCKER_DIR, 'grafana', 'dashboards'), target: dashboardsPath });
    }
  });
});
