/**
 * Users, their API tokens, their alerts (JSON and RSS) and their trackings list. Sign-up is public
 * (rate-limited) and returns a new user's first API token once; everything under
 * /api/v1/users/{user_id}/ is for that user's own token or the admin token (403 for anyone else).
 */
import { z } from 'zod';
import { getMarketplace, isMarketplaceCode } from '../../config/index.js';
import { moneyFormatter } from '../../charts/index.js';
import { apiErrorSchema } from '../../contracts/index.js';
import { publicBaseUrl } from '../../alerts/index.js';
import { ForbiddenError, UnauthorizedError } from '../api-errors.js';
import { type RouteContext, type ZodApp, requireAccounts } from '../route-context.js';
import {
  createTokenBodySchema,
  createdTokenSchema,
  feedTokenResponseSchema,
  pageSchema,
  signUpBodySchema,
  signUpResponseSchema,
  tokenInfoSchema,
  trackingListSchema,
  userAlertListSchema,
  userSchema,
  uuidSchema,
} from '../schemas/common-schemas.js';
import { renderRss } from '../services/rss.js';

const userParams = z.strictObject({ user_id: uuidSchema.describe('The user') });
const authErrors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };
const security = [{ bearer: [] }];
/** Sign-ups and verification resends per client and minute (each may send an email). */
export const SIGN_UPS_PER_MIN = 20;

export function registerAccountRoutes(app: ZodApp, ctx: RouteContext): void {
  app.post(
    '/api/v1/users',
    {
      // Each sign-up may send an email: a tighter limit per client than the API's.
      config: { rateLimit: { max: SIGN_UPS_PER_MIN, timeWindow: 60_000 } },
      schema: {
        tags: ['users'],
        summary: 'Sign up',
        description:
          'Registers an email address and mails a double opt-in link (alerts go only to verified addresses). A new user gets its first API token here, shown once. ' +
          'An address already registered gets the link again and no token (a token is never handed to whoever merely knows an address). Public.',
        body: signUpBodySchema,
        response: { 201: signUpResponseSchema, 200: signUpResponseSchema, 400: apiErrorSchema, 429: apiErrorSchema, 503: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const result = await requireAccounts(ctx).signUp({ email: request.body.email });
      const token = result.created ? (await ctx.tokens.create(result.user.userId, 'api', 'sign-up')).token : null;
      return reply.code(result.created ? 201 : 200).send({ ...result, token });
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: { tags: ['users'], summary: 'The caller', description: 'The user of the token. User token.', security, response: { 200: userSchema, ...authErrors } },
    },
    async (request) => {
      const user = await ctx.auth.requireUser(request);
      return requireAccounts(ctx).getUser(user.userId);
    },
  );

  app.get(
    '/api/v1/users/:user_id',
    {
      schema: { tags: ['users'], summary: 'A user', description: 'Own token or admin.', security, params: userParams, response: { 200: userSchema, ...authErrors } },
    },
    async (request) => {
      await ctx.auth.requireSelfOrAdmin(request, request.params.user_id);
      return requireAccounts(ctx).getUser(request.params.user_id);
    },
  );

  app.post(
    '/api/v1/users/:user_id/verification',
    {
      config: { rateLimit: { max: SIGN_UPS_PER_MIN, timeWindow: 60_000 } },
      schema: {
        tags: ['users'],
        summary: 'Send the verification link again',
        description: 'Own token or admin.',
        security,
        params: userParams,
        response: { 200: z.object({ verificationSent: z.boolean() }), ...authErrors },
      },
    },
    async (request) => {
      await ctx.auth.requireSelfOrAdmin(request, request.params.user_id);
      return requireAccounts(ctx).resendVerification(request.params.user_id);
    },
  );

  app.get(
    '/api/v1/users/:user_id/trackings',
    {
      schema: {
        tags: ['trackings'],
        summary: 'A user\'s trackings',
        description: 'With each tracking\'s latest price, its channels\' health and its last alert. Own token or admin.',
        security,
        params: userParams,
        querystring: z.strictObject(pageSchema(200, 50)),
        response: { 200: trackingListSchema, ...authErrors },
      },
    },
    async (request) => {
      await ctx.auth.requireSelfOrAdmin(request, request.params.user_id);
      const { limit, offset } = request.query;
      const page = await requireAccounts(ctx).listTrackings(request.params.user_id, { limit, offset });
      return { total: page.total, limit, offset, items: page.items };
    },
  );

  app.get(
    '/api/v1/users/:user_id/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'A user\'s alerts',
        description: 'Newest first, with each channel\'s delivery state. Own token or admin.',
        security,
        params: userParams,
        querystring: z.strictObject(pageSchema(200, 50)),
        response: { 200: userAlertListSchema, ...authErrors },
      },
    },
    async (request) => {
      await ctx.auth.requireSelfOrAdmin(request, request.params.user_id);
      const { limit, offset } = request.query;
      const items = await requireAccounts(ctx).listAlerts(request.params.user_id, { limit, offset });
      return { limit, offset, items };
    },
  );

  app.get(
    '/api/v1/users/:user_id/alerts.rss',
    {
      schema: {
        tags: ['alerts'],
        summary: 'A user\'s alerts as RSS',
        description:
          'For feed readers, which cannot send headers: authenticate with `?token=` and the user\'s feed token (POST …/feed-token), which can read nothing else. ' +
          'The user\'s API token or the admin token in the Authorization header work too.',
        params: userParams,
        querystring: z.strictObject({ token: z.string().max(200).optional().describe('The user\'s feed token') }),
        response: { 200: z.string().describe('application/rss+xml'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { user_id: userId } = request.params;
      if (request.query.token !== undefined) {
        const identity = await ctx.tokens.authenticate(request.query.token);
        if (!identity || identity.scope !== 'feed') throw new UnauthorizedError('unknown or revoked feed token');
        if (identity.userId !== userId.toLowerCase()) throw new ForbiddenError();
      } else {
        await ctx.auth.requireSelfOrAdmin(request, userId);
      }
      const alerts = await requireAccounts(ctx).listAlerts(userId, { limit: 50, offset: 0 });
      const base = publicBaseUrl(ctx.config);
      const body = renderRss({
        title: 'Dromedary: your price alerts',
        link: `${base}/trackings`,
        self: `${base}/api/v1/users/${userId}/alerts.rss`,
        description: 'Price alerts of your trackings',
        items: alerts.map((a) => {
          const money = isMarketplaceCode(a.marketplace) ? moneyFormatter(a.currency, getMarketplace(a.marketplace).locale) : (v: number) => String(v);
          const price = a.price === null ? 'no offer' : money(a.price);
          const was = a.previousPrice === null ? '' : ` (was ${money(a.previousPrice)})`;
          return {
            title: `${a.asin} (${a.marketplace}): ${price}${was}`,
            link: `${base}/products/${a.marketplace}/${a.asin}`,
            guid: a.alertKey,
            publishedAt: a.createdAt,
            description: `${a.series} price ${price}${was}: ${a.reasons.join(', ')}`,
          };
        }),
      });
      return reply.header('cache-control', 'private, max-age=60').type('application/rss+xml; charset=utf-8').send(body);
    },
  );

  app.post(
    '/api/v1/users/:user_id/feed-token',
    {
      schema: {
        tags: ['alerts'],
        summary: 'A new feed token',
        description: 'Creates the token of the alerts feed URL (shown once); the previous feed token stops working. Own token or admin.',
        security,
        params: userParams,
        response: { 201: feedTokenResponseSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const { user_id: userId } = request.params;
      await ctx.auth.requireSelfOrAdmin(request, userId);
      await requireAccounts(ctx).getUser(userId);
      await ctx.tokens.revokeAll(userId.toLowerCase(), 'feed');
      const { token } = await ctx.tokens.create(userId.toLowerCase(), 'feed', 'alerts feed');
      return reply.code(201).send({ token, url: `${publicBaseUrl(ctx.config)}/api/v1/users/${userId}/alerts.rss?token=${token}` });
    },
  );

  app.get(
    '/api/v1/users/:user_id/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'A user\'s tokens',
        description: 'Ids, names and scopes (never the tokens). Own token or admin.',
        security,
        params: userParams,
        response: { 200: z.object({ items: z.array(tokenInfoSchema) }), ...authErrors },
      },
    },
    async (request) => {
      await ctx.auth.requireSelfOrAdmin(request, request.params.user_id);
      return { items: await ctx.tokens.list(request.params.user_id.toLowerCase()) };
    },
  );

  app.post(
    '/api/v1/users/:user_id/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token',
        description: 'Shown once in the answer; only its hash is stored. Own token or admin (to let a user who lost every token back in).',
        security,
        params: userParams,
        body: createTokenBodySchema,
        response: { 201: createdTokenSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const { user_id: userId } = request.params;
      await ctx.auth.requireSelfOrAdmin(request, userId);
      await requireAccounts(ctx).getUser(userId);
      return reply.code(201).send(await ctx.tokens.create(userId.toLowerCase(), 'api', request.body.name));
    },
  );

  app.delete(
    '/api/v1/users/:user_id/tokens/:tokenId',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token',
        description: 'Takes effect at once on every API process. Own token or admin.',
        security,
        params: z.strictObject({ user_id: uuidSchema, tokenId: uuidSchema }),
        response: { 204: z.null().describe('Revoked'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { user_id: userId, tokenId } = request.params;
      const identity = await ctx.auth.requireSelfOrAdmin(request, userId);
      await ctx.tokens.revoke(userId.toLowerCase(), tokenId.toLowerCase(), { asAdmin: identity.kind === 'admin' });
      return reply.code(204).send(null);
    },
  );
}
