/**
 * The coordinator's errors, each meaning one action, and the one function that maps a script's
 * negative return code to them.
 */

/** Base class of the coordinator's errors. */
export class CoordinatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CoordinatorError';
  }
}

/** The lease is gone (expired, handed back, drained or never existed): drop its results, don't retry. */
export class LeaseLostError extends CoordinatorError {
  constructor(
    readonly leaseId: string,
    readonly reason: 'expired' | 'unknown',
  ) {
    super(`lease ${leaseId} is lost (${reason})`);
    this.name = 'LeaseLostError';
  }
}

/** Some settled ASINs are not held by the lease (settled twice, handed back, …); nothing was recorded. */
export class NotHeldError extends CoordinatorError {
  constructor(
    readonly leaseId: string,
    readonly asins: readonly string[],
  ) {
    super(`lease ${leaseId} does not hold ${asins.length} of the settled ASINs`);
    this.name = 'NotHeldError';
  }
}

/** The arguments are wrong (a malformed lease id, an envelope about other ASINs, …): a bug; don't retry. */
export class CoordinatorInputError extends CoordinatorError {
  constructor(message: string) {
    super(message);
    this.name = 'CoordinatorInputError';
  }
}

/** A script answered something it never should: stop and look. */
export class CoordinatorScriptError extends CoordinatorError {
  constructor(script: string, reply: unknown) {
    super(`coordinator script ${script} returned an unexpected reply: ${JSON.stringify(reply).slice(0, 200)}`);
    this.name = 'CoordinatorScriptError';
  }
}

/** Maps a script's negative return code (first element of its reply) to a typed error. */
export function scriptFailure(script: string, reply: readonly unknown[], leaseId = ''): CoordinatorError {
  switch (reply[0]) {
    case -1:
      return new LeaseLostError(leaseId, 'unknown');
    case -2:
      return new LeaseLostError(leaseId, 'expired');
    case -3:
      return new NotHeldError(leaseId, reply.slice(1).map(String));
    case -5:
      return new CoordinatorInputError(`lease id ${leaseId} is already in use`);
    default:
      return new CoordinatorScriptError(script, reply);
  }
}
