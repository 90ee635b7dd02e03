/** The double opt-in email: one link that confirms the address. */
import type { MailMessage } from './mailer.js';

/** The confirmation message for `to`, linking to `link` (valid for `validHours`). */
export function verificationEmail({ from, to, link, validHours }: { from: string; to: string; link: string; validHours: number }): MailMessage {
  const text = [
    'Please confirm your email address for Dromedary price alerts:',
    '',
    link,
    '',
    `The link is valid for ${validHours} hours. Until you confirm, no alert is sent to this address.`,
    'If you did not sign up, ignore this message: nothing will be sent.',
    '',
  ].join('\n');
  const safe = link.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const html = `<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#24292f">
<p>Please confirm your email address for Dromedary price alerts:</p>
<p><a href="${safe}" style="color:#0969da">Confirm my address</a></p>
<p style="font-size:12px;color:#57606a">The link is valid for ${validHours} hours. Until you confirm, no alert is sent to this address.
If you did not sign up, ignore this message: nothing will be sent.</p></body></html>`;
  return { from, to, subject: 'Confirm your email for Dromedary price alerts', text, html };
}
