/**
 * alerts/: users and their trackings (double opt-in, one-click unsubscribe, rules, channels), the
 * alerter that turns committed price changes into alerts never missed, never doubled and never false,
 * and their delivery by email (SMTP, with a 90-day chart) and signed webhooks.
 */
export {
  createAccounts,
  trackingView,
  type Accounts,
  type AccountsOptions,
  type TrackingListItem,
  type TrackingView,
  type UserView,
} from './accounts.js';
export { createAlerter, startAlerter, type Alerter, type AlerterOptions } from './alerter.js';
export { createAlertsMetrics, type AlertsMetrics } from './alerts-metrics.js';
export { resolveAlertsSecret } from './alerts-secret.js';
export { AlertsConfigError, AlertsError, BusyError, DeliveryError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.js';
export { createMailer, type Mailer, type MailerOptions, type MailMessage } from './mailer.js';
export { firedRules, rulesHoldingNow, suppression, type AlertReason, type LastAlertState, type PriceStep, type Suppression } from './rule-evaluation.js';
export { changeAlertKey, effectivePrice, rulesSetAlertKey } from './alert-records.js';
export { alertContent, type AlertContent } from './alert-content.js';
export { alertEmail, CHART_CID } from './alert-email.js';
export { createTokenSigner, type TokenPayload, type TokenSigner } from './signed-token.js';
export {
  TRACKING_CONDITIONS,
  seriesFor,
  trackInputSchema,
  trackingPatchSchema,
  type RuleSet,
  type TrackInput,
  type TrackingPatch,
} from './tracking-input.js';
export { isNonPublicAddress, postWebhook, verifyWebhookSignature, webhookSignature } from './webhook-client.js';
export { publicBaseUrl, productPageUrl, unsubscribeUrl, verifyUrl } from './links.js';
