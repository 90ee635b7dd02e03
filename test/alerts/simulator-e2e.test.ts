/**
 * The whole path against the simulator: a tracked product is scheduled, the real crawler node checks
 * it, the ingester stores the points, the alerter judges the change and mails the alert through a
 * real SMTP server. A CAPTCHA storm in between yields outcomes, never prices, and no alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alerter, startAlerter } from '../../alerts/index.js';
import { type CrawlerNode, startCrawlerNode } from '../../crawler/index.js';
import { silentLogger } from '../../runtime/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { selectRows } from '../../storage/index.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type AlertsEnv, startAlertsEnv, waitJudged } from './alerts-fixtures.js';

let sim: SimulatorHandle;
let env: AlertsEnv;
let alerter: Alerter;
let crawler: CrawlerNode;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, products: 6, marketplaces: ['us'], priceEpochMs: 86_400_000 * 30, pageBytes: 200_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
  env = await startAlertsEnv({
    flags: {
      marketplaces: { us: { baseUrl: sim.urls.us } },
      crawler: { marketplaces: ['us'], concurrency: 2, perProxyRatePerSec: 20, marketplaceRatePerSec: 20, captchaCooldownMs: 300, maxCaptchaCooldownMs: 600, fetchOffers: false, requestTimeoutSecs: 10 },
      alerts: { cooldownMs: 0 },
      instanceId: 'e2e-crawler',
    },
  });
  alerter = await startAlerter({ clickhouse: env.clickhouse, redis: env.redis, config: env.config, logger: silentLogger(), registry: env.registry, marketplaces: ['us'], mailer: env.mailer });
  crawler = await startCrawlerNode({ config: env.config, logger: silentLogger(), readerWorkers: 0, shutdownGraceMs: 2_000 });
});

afterAll(async () => {
  await crawler?.close();
  await alerter?.close();
  await env?.close();
  await sim?.close();
  removeTempDirs();
});

async function points(asin: string): Promise<number> {
  return Number((await selectRows<{ n: string }>(env.clickhouse, "SELECT count() AS n FROM price_points WHERE asin = {a:String} AND series = 'new'", { a: asin }))[0]?.n);
}

describe('simulator to inbox', () => {
  it('a drop forced in the simulator ends as an email with the right old and new price and a chart; a CAPTCHA storm sends nothing', async () => {
    const product = sim.catalogue('us').find((p) => {
      const page = sim.pageTruth('us', p.asin);
      return page.priceNew !== null && page.availability !== 'out_of_stock';
    });
    expect(product).toBeDefined();
    const asin = product!.asin;
    const before = sim.pageTruth('us', asin).priceNew!;
    const userId = await env.verifiedUser('e2e@example.com');
    await env.accounts.track(userId, { marketplace: 'us', asin, rules: { dropPercent: 10 } });
    await waitFor('the first check of the product', async () => (await points(asin)) >= 1, { timeoutMs: 30_000 });

    const drop = sim.forceDrop({ marketplace: 'us', asin, percent: 30 });
    const after = sim.pageTruth('us', asin).priceNew!;
    expect(after).toBeLessThan(before);
    expect(drop.price).toBeLessThan(drop.previous);
    await env.coordinator.requeue('us', [asin]);
    const mail = await waitFor('the alert email', () => alertMails()[0], { timeoutMs: 30_000 });
    const parsed = await env.smtp.parse(mail);
    const usd = (minor: number): string => `$${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    expect(parsed.text).toContain(`New price: ${usd(after)}`);
    expect(parsed.text).toContain(`Previous price: ${usd(before)}`);
    expect(parsed.text).toContain(product!.title.slice(0, 40));
    const png = parsed.attachments.find((a) => a.contentType === 'image/png');
    expect(png?.content.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png!.content.readUInt32BE(16)).toBe(600);

    // A CAPTCHA storm while the price drops again: the robot checks are no price and send nothing;
    // once the storm is over, the next real check alerts with the real new price.
    const pointsBefore = await points(asin);
    const sinceSeq = Math.max(0, ...sim.requests({ limit: 10_000 }).map((r) => r.seq));
    const storm = sim.captchaStorm({ marketplace: 'us', durationMs: 3_000 });
    sim.forceDrop({ marketplace: 'us', asin, percent: 40 });
    const dropped = sim.pageTruth('us', asin, storm.until + 1).priceNew!;
    await env.coordinator.requeue('us', [asin]);
    // Robot checks go to whatever the crawler asks during the storm (the product page or its session set-up).
    await waitFor('robot checks served to the crawler', () => sim.requests({ sinceSeq, served: 'captcha' }).length > 0, { timeoutMs: 20_000 });
    await waitJudged(env, alerter);
    if (Date.now() < storm.until) {
      expect(await points(asin)).toBe(pointsBefore);
      expect(alertMails()).toHaveLength(1);
    }
    await waitFor('the alert after the storm', () => alertMails().length === 2, { timeoutMs: 30_000 });
    const second = await env.smtp.parse(alertMails()[1]!);
    expect(second.text).toContain(`New price: ${usd(dropped)}`);
    expect(second.text).toContain(`Previous price: ${usd(after)}`);
    const priced = await selectRows<{ price: number }>(env.clickhouse, "SELECT price FROM price_points WHERE asin = {a:String} AND series = 'new' ORDER BY checked_at", { a: asin });
    expect(new Set(priced.map((p) => Number(p.price)))).toEqual(new Set([before, after, dropped]));
  });
});

function alertMails(): ReturnType<AlertsEnv['mailsTo']> {
  return env.mailsTo('e2e@example.com').filter((m) => !m.raw.includes('Subject: Confirm'));
}
