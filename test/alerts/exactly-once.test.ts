/**
 * Never missed, never doubled: 1,000 trackings over 100 products, five waves of price moves, the
 * alerter running as a child process (`dromedary alerter`) — twice killed with SIGKILL in the middle
 * of a detection batch (after its alerts were written but before they were queued, and after they
 * were queued but before the cursor moved) and restarted. Every alert the rules call for arrives
 * exactly once; the expected set comes from the pure rule functions applied to the moves.
 */
import { type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuleSet, firedRules, suppression } from '../../alerts/index.js';
import type { PriceObservation } from '../../contracts/index.js';
import { type TrackingRecord, type UserRecord, committedWatermark, insertTrackings, insertUsers, readAlerterCursor, upsertCatalog } from '../../storage/index.js';
import { spawnCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type AlertsEnv, type ReceivedMail, deliveryQueueEmpty, startAlertsEnv } from './alerts-fixtures.js';

const PRODUCTS = 100;
const TRACKINGS = 1_000;
const WAVES = 5;

let env: AlertsEnv;
let child: ChildProcess | undefined;
let configDir = '';

interface Tracking {
  id: string;
  email: string;
  asin: string;
  rules: RuleSet;
  last?: { price: number; at: number };
}

const products: { asin: string; prices: (number | null)[] }[] = [];
const trackings: Tracking[] = [];

/** A small deterministic generator (the test must be reproducible). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  env = await startAlertsEnv({ flags: { alerts: { cooldownMs: 0 } } });
  configDir = makeTempDir('drom-alerter-cfg-');
  const random = rng(42);
  for (let p = 0; p < PRODUCTS; p++) {
    const base = 1_000 + Math.floor(random() * 49_000);
    products.push({ asin: `B0ONCE${String(p).padStart(4, '0')}`, prices: [base] });
  }
  const now = Date.now();
  const users: UserRecord[] = [];
  for (let u = 0; u < TRACKINGS / 5; u++) {
    users.push({ userId: crypto.randomUUID(), email: `u${u}@once.example`, createdAt: now, verifiedAt: now, unsubscribedAt: null, version: now, isDeleted: false });
  }
  const rows: TrackingRecord[] = [];
  for (let i = 0; i < TRACKINGS; i++) {
    const user = users[Math.floor(i / 5)]!;
    const product = products[(i * 7 + Math.floor(i / 5)) % PRODUCTS]!;
    const base = product.prices[0]!;
    const none: RuleSet = { targetPrice: null, dropPercent: null, dropAmount: null, allTimeLow: false, backInStock: false };
    const rules: RuleSet = [
      { ...none, targetPrice: Math.round(base * 0.9) },
      { ...none, dropPercent: 10 },
      { ...none, allTimeLow: true },
      { ...none, backInStock: true, dropAmount: Math.round(base * 0.1) },
    ][i % 4]!;
    const id = crypto.randomUUID();
    trackings.push({ id, email: user.email, asin: product.asin, rules });
    rows.push({
      trackingId: id, userId: user.userId, marketplace: 'us', asin: product.asin, series: 'new', condition: 'new', amazonOnly: false, ...rules,
      emailEnabled: true, webhookUrl: '', webhookSecret: '', baselineSeq: 0, createdAt: now, updatedAt: now, version: now, isDeleted: false,
    });
  }
  await insertUsers(env.clickhouse, users);
  await insertTrackings(env.clickhouse, rows);
  await upsertCatalog(env.clickhouse, products.map((p) => ({ marketplace: 'us' as const, asin: p.asin, state: 'active' as const, addedAt: now, source: 'test', version: now })));
  // The first observation of each product: a price, not a change.
  await sendWave(products.map((p) => ({ asin: p.asin, price: p.prices[0]! })));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await env?.close();
  removeTempDirs();
});

/** Sends one check per product, in envelopes of 10 products. */
async function sendWave(moves: { asin: string; price: number | null }[]): Promise<number> {
  const at = env.feed.nextTime(600_000);
  let observations: PriceObservation[] = [];
  for (const [i, m] of moves.entries()) {
    observations.push(...env.feed.check(m.asin, { new: m.price }, { at }));
    if (observations.length === 10 || i === moves.length - 1) {
      await env.feed.send(observations);
      observations = [];
    }
  }
  return at;
}

/** The alerts the rules call for when every product moves to its next price at `at` (pure functions). */
function expectedAlerts(at: number): Set<string> {
  const expected = new Set<string>();
  for (const t of trackings) {
    const prices = products.find((p) => p.asin === t.asin)!.prices;
    const before = prices.at(-2) ?? null;
    const after = prices.at(-1) ?? null;
    const earlier = prices.slice(0, -1).filter((p): p is number => p !== null);
    const reasons = firedRules(t.rules, { before, after }, earlier.length > 0 ? Math.min(...earlier) : null);
    if (reasons.length === 0 || after === null) continue;
    if (suppression(t.last, after, at, 0) !== null) continue;
    t.last = { price: after, at };
    expected.add(`${t.email}|${t.asin}|${after}`);
  }
  return expected;
}

function move(random: () => number): { asin: string; price: number | null }[] {
  return products.map((p) => {
    const current = p.prices.at(-1) ?? null;
    const base = p.prices[0]!;
    const r = random();
    let next: number | null;
    if (current === null) next = r < 0.5 ? null : Math.round(base * (0.75 + random() * 0.4));
    else if (r < 0.1) next = null;
    else if (r < 0.3) next = current;
    else next = Math.max(100, Math.round(current * [0.7, 0.85, 0.95, 1.05, 1.2][Math.floor(random() * 5)]!));
    p.prices.push(next);
    return { asin: p.asin, price: next };
  });
}

const baseline = new Set<ReceivedMail>();
let childLog = '';

/** What an alert email says: recipient, product and new price (in minor units). */
async function identify(mail: ReceivedMail): Promise<string> {
  const parsed = await env.smtp.parse(mail);
  const asin = /\/dp\/([A-Z0-9]{10})/.exec(parsed.text ?? '')?.[1];
  const price = /New price: \$([\d,]+\.\d\d)/.exec(parsed.text ?? '')?.[1];
  return `${mail.to[0]}|${asin}|${Math.round(Number(price?.replace(/,/g, '')) * 100)}`;
}

function startAlerter(fault: 'none' | 'kill-after-alerts-insert' | 'kill-after-enqueue'): ChildProcess {
  const file = join(configDir, `alerter-${fault}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: env.config.dataDir,
      // One instance id across restarts: a restarted alerter takes its marketplace back at once.
      instanceId: 'alerter-once',
      log: { level: 'warn' },
      redis: { url: env.config.redis.url, keyPrefix: env.config.redis.keyPrefix },
      api: { publicUrl: 'https://dromedary.test' },
      alerts: { smtpUrl: env.smtp.url, cooldownMs: 0, pollMs: 50, claimMs: 5_000, faultInjection: fault, from: 'Dromedary <alerts@dromedary.test>' },
    }),
  );
  const proc = spawnCli(['--config', file, 'alerter', '--marketplaces', 'us']);
  proc.stdout?.on('data', (c: Buffer) => (childLog += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (childLog += c.toString()));
  return proc;
}

async function stopAlerter(): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Waits until the alerter judged everything committed and its queue is empty, then returns the new mails. */
async function settleWave(): Promise<ReceivedMail[]> {
  await waitFor('the alerter to catch up and drain its queue', async () => {
    const watermark = await committedWatermark(env.redis, env.keys, 'us');
    const cursor = await readAlerterCursor(env.clickhouse, 'us');
    return cursor >= watermark && (await deliveryQueueEmpty(env, '+inf'));
  }, { timeoutMs: 120_000 }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; alerter log:\n${childLog.slice(-3000)}`);
  });
  const fresh = env.smtp.received.filter((m) => !baseline.has(m));
  for (const m of fresh) baseline.add(m);
  return fresh;
}

async function checkWave(at: number): Promise<void> {
  const expected = expectedAlerts(at);
  const got = await Promise.all((await settleWave()).map(identify));
  const missing = [...expected].filter((e) => !got.includes(e));
  const unexpected = got.filter((g) => !expected.has(g));
  expect({ missing: missing.slice(0, 5), unexpected: unexpected.slice(0, 5), duplicates: got.length - new Set(got).size }).toEqual({ missing: [], unexpected: [], duplicates: 0 });
  expect(got.length).toBe(expected.size);
}

describe('exactly once', () => {
  it('every expected alert arrives exactly once, also across kill -9 mid-batch and restarts', { timeout: 240_000 }, async () => {
    const random = rng(7);
    child = startAlerter('none');
    await checkWave(await sendWave(move(random)));
    await stopAlerter();

    for (const fault of ['kill-after-alerts-insert', 'kill-after-enqueue'] as const) {
      child = startAlerter(fault);
      const killed = new Promise<NodeJS.Signals | null>((resolve) => child!.once('exit', (_code, signal) => resolve(signal)));
      const at = await sendWave(move(random));
      expect(await killed).toBe('SIGKILL');
      child = startAlerter('none');
      await checkWave(at);
      await stopAlerter();
    }

    child = startAlerter('none');
    for (let w = 3; w < WAVES; w++) await checkWave(await sendWave(move(random)));
    await stopAlerter();
  });
});
