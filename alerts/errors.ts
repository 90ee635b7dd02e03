/**
 * The alerts part's errors, each meaning one action for the caller: NotFound / Forbidden / Invalid are
 * the caller's to fix (HTTP 404 / 403 / 400, never retried); Busy is retried shortly; DeliveryError
 * says whether a delivery attempt may be retried.
 */

/** Base class of the alerts part's errors. */
export class AlertsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The user, tracking or token subject does not exist (HTTP 404). */
export class NotFoundError extends AlertsError {}

/** The tracking exists but belongs to someone else (HTTP 403). Nothing was read or changed. */
export class ForbiddenError extends AlertsError {}

/** Bad input: an email, ASIN, rule, URL or token that cannot be used (HTTP 400). Nothing changed. */
export class InvalidInputError extends AlertsError {
  constructor(
    message: string,
    /** Every problem found, `field: message`. */
    readonly problems: readonly string[] = [message],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The marketplace's changes are being judged right now and did not free up in time: retry shortly (HTTP 503). */
export class BusyError extends AlertsError {}

/** Configuration that the alerts part cannot run with (a missing secret on a server install). Fatal. */
export class AlertsConfigError extends AlertsError {}

/** A delivery attempt failed; `permanent` ones (a rejected address, a 4xx webhook) are not retried. */
export class DeliveryError extends AlertsError {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
