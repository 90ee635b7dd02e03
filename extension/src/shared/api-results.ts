/**
 * What the extension sends to the API and gets back, as values that cross the extension's message
 * channel: results and failures (never thrown), the tracking request, the chart ranges offered.
 */
import type { MarketplaceCode } from '../../../config/marketplaces.js';

/** Why a call failed; each kind is shown differently (a quiet line, a form error, a hint to fix the options). */
export type ApiFailure =
  /** No answer: the server is down, unreachable or too slow (`timeoutMs`). */
  | { readonly kind: 'unreachable'; readonly message: string }
  /** The server answered with an error (the API's `{error, message, problems}`). */
  | { readonly kind: 'http'; readonly status: number; readonly code: string; readonly message: string; readonly problems: readonly string[] }
  /** The server answered something that is not what this extension expects. */
  | { readonly kind: 'bad_response'; readonly message: string }
  /** The call needs an API token and none is configured. */
  | { readonly kind: 'no_token'; readonly message: string };

/** A call's outcome. */
export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ApiFailure };

/** The chart ranges the extension offers (the API has more). */
export const EXTENSION_RANGES = ['1m', '3m', '1y', 'all'] as const;
export type ExtensionRange = (typeof EXTENSION_RANGES)[number];

/** Conditions a tracking can follow. */
export const TRACK_CONDITIONS = ['new', 'used', 'refurbished', 'any'] as const;
export type TrackCondition = (typeof TRACK_CONDITIONS)[number];

/** The body of POST /api/v1/products/track as the extension sends it (a subset of the API's input). */
export interface TrackRequest {
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  readonly condition: TrackCondition;
  readonly amazonOnly: boolean;
  /** One of the two, in the API's units: minor units of the currency, percent. */
  readonly rules: { readonly targetPrice?: number; readonly dropPercent?: number };
}

/** What the extension reads of a created tracking. */
export interface TrackedProduct {
  readonly trackingId: string;
  readonly marketplace: string;
  readonly asin: string;
  readonly condition: string;
  /** The rules already held at the current price: an alert went out at once. */
  readonly alertedNow: boolean;
}

/** What the extension reads of GET /api/v1/me. */
export interface CurrentUser {
  readonly userId: string;
  readonly email: string;
  readonly verified: boolean;
}
