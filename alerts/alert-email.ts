/**
 * The alert email: HTML and text bodies, the 90-day chart as an inline (CID) PNG, and the headers
 * mail providers expect of list mail — `List-Unsubscribe` (https link) with
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058) — and a Message-ID derived from the
 * delivery id, so a message re-sent after a crash carries the same id and mail systems fold it.
 */
import { createHash } from 'node:crypto';
import type { AlertContent } from './alert-content.js';

/** The chart attachment's content id (`<img src="cid:…">`). */
export const CHART_CID = 'price-chart@dromedary';

/** What nodemailer's sendMail takes, limited to what an alert email uses. */
export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
  list: { unsubscribe: { url: string; comment: string } };
  attachments: { filename: string; content: Buffer; contentType: string; cid: string }[];
}

export interface AlertEmailInput {
  content: AlertContent;
  from: string;
  to: string;
  /** Delivery id: the Message-ID is derived from it. */
  alertId: string;
  /** One-click link that stops every alert email to this address. */
  unsubscribeAllUrl: string;
  /** Link that stops email alerts of this tracking only. */
  unsubscribeTrackingUrl: string;
  /** The price chart, PNG; omitted when it could not be drawn. */
  chartPng: Buffer | null;
}

/** Builds the alert email. */
export function alertEmail(input: AlertEmailInput): EmailMessage {
  const c = input.content;
  const text = [
    c.headline,
    '',
    c.title,
    '',
    `New price: ${c.price}`,
    ...(c.previousPrice ? [`Previous price: ${c.previousPrice}`] : []),
    ...(c.drop ? [`Drop: ${c.drop}`] : []),
    ...(c.target ? [`Your target: ${c.target}`] : []),
    '',
    `Price history: ${c.productPageUrl}`,
    `On Amazon: ${c.amazonUrl}`,
    '',
    `Stop alerts for this product: ${input.unsubscribeTrackingUrl}`,
    `Unsubscribe from all alert emails: ${input.unsubscribeAllUrl}`,
    '',
  ].join('\n');
  const row = (label: string, value: string, strong = false): string =>
    `<tr><td style="padding:2px 12px 2px 0;color:#57606a">${esc(label)}</td><td style="padding:2px 0">${strong ? `<strong>${esc(value)}</strong>` : esc(value)}</td></tr>`;
  const html = `<!doctype html>
<html lang="${esc(c.locale.slice(0, 2))}"><head><meta charset="utf-8"><title>${esc(c.subject)}</title></head>
<body style="margin:0;padding:16px;font-family:Helvetica,Arial,sans-serif;color:#24292f;background:#ffffff">
<h1 style="font-size:20px;margin:0 0 8px">${esc(c.headline)}</h1>
<p style="font-size:15px;margin:0 0 12px"><a href="${esc(c.productPageUrl)}" style="color:#0969da">${esc(c.title)}</a></p>
<table style="font-size:15px;border-collapse:collapse;margin:0 0 12px">
${row('New price', c.price, true)}
${c.previousPrice ? row('Previous price', c.previousPrice) : ''}
${c.drop ? row('Drop', c.drop) : ''}
${c.target ? row('Your target', c.target) : ''}
</table>
${input.chartPng ? `<p style="margin:0 0 12px"><img src="cid:${CHART_CID}" width="600" height="300" alt="Price over the last 90 days" style="max-width:100%;height:auto;border:1px solid #d0d7de"></p>` : ''}
<p style="font-size:15px;margin:0 0 16px"><a href="${esc(c.productPageUrl)}" style="color:#0969da">Price history</a> &nbsp;·&nbsp; <a href="${esc(c.amazonUrl)}" style="color:#0969da">View on Amazon</a></p>
<p style="font-size:12px;color:#57606a;margin:0">You get this email because you track this product on Dromedary.
<a href="${esc(input.unsubscribeTrackingUrl)}" style="color:#57606a">Stop alerts for this product</a> ·
<a href="${esc(input.unsubscribeAllUrl)}" style="color:#57606a">Unsubscribe from all alert emails</a></p>
</body></html>`;
  const domain = /@([^>\s]+)>?\s*$/.exec(input.from)?.[1] ?? 'dromedary.invalid';
  return {
    from: input.from,
    to: input.to,
    subject: c.subject,
    text,
    html,
    messageId: `<alert.${createHash('sha256').update(input.alertId).digest('hex').slice(0, 32)}@${domain}>`,
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    list: { unsubscribe: { url: input.unsubscribeAllUrl, comment: 'Unsubscribe from Dromedary alert emails' } },
    attachments: input.chartPng ? [{ filename: 'price-chart.png', content: input.chartPng, contentType: 'image/png', cid: CHART_CID }] : [],
  };
}

function esc(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}
