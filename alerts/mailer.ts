/**
 * Sending mail over SMTP with nodemailer (a pooled transport: connections are reused across alerts).
 * The result says when the server accepted the message; failures become DeliveryErrors that say
 * whether to retry (a 5xx reply is permanent, everything else — 4xx, connection, timeout — is not).
 */
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { redactUrlCredentials } from '../config/index.js';
import { DeliveryError } from './errors.js';

/** A message as nodemailer's sendMail takes it (the fields Dromedary uses). */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  headers?: Record<string, string>;
  list?: { unsubscribe: { url: string; comment: string } };
  attachments?: { filename: string; content: Buffer; contentType: string; cid: string }[];
}

/** Sends mail; `close()` ends the pooled connections (idempotent). */
export interface Mailer {
  /** Resolves when the SMTP server accepted the message (epoch ms then). */
  send(message: MailMessage): Promise<{ acceptedAt: number }>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (config alerts.smtpUrl). */
  smtpUrl: string;
  logger: Logger;
  /** Connections kept open at most. Default 8. */
  maxConnections?: number;
  /** Socket timeout per command, ms. Default 30,000. */
  timeoutMs?: number;
}

/** A pooled SMTP mailer. */
export function createMailer(options: MailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 8,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const log = options.logger.child({ component: 'mailer', smtp: redactUrlCredentials(options.smtpUrl) });
  let closed = false;
  return {
    async send(message) {
      try {
        await transport.sendMail(message);
        return { acceptedAt: Date.now() };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        log.debug({ err, responseCode: code }, 'smtp send failed');
        throw new DeliveryError(`smtp: ${(err as Error).message}`.slice(0, 500), permanent, { cause: err });
      }
    },
    close() {
      if (closed) return;
      closed = true;
      transport.close();
    },
  };
}
