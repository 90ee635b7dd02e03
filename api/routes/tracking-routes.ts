/**
 * One tracking: read, change, delete. The owner's token (403 for any other user: the alerts part's
 * functions check ownership themselves); the admin token acts for the owner.
 */
import { z } from 'zod';
import { trackingPatchSchema } from '../../alerts/index.js';
import { apiErrorSchema } from '../../contracts/index.js';
import { findTrackingById } from '../../storage/index.js';
import { NotFoundError } from '../api-errors.js';
import type { Identity } from '../auth/authenticator.js';
import { type RouteContext, type ZodApp, requireAccounts } from '../route-context.js';
import { trackingResultSchema, trackingSchema, uuidSchema } from '../schemas/common-schemas.js';

const params = z.strictObject({ trackingId: uuidSchema.describe('The tracking') });
const authErrors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };
const security = [{ bearer: [] }];

export function registerTrackingRoutes(app: ZodApp, ctx: RouteContext): void {
  /** The user to act as: the caller, or for the admin the tracking's owner. */
  const actingUser = async (identity: Identity, trackingId: string): Promise<string> => {
    if (identity.kind === 'user') return identity.userId;
    const tracking = await findTrackingById(ctx.clickhouse, trackingId);
    if (!tracking) throw new NotFoundError('no such tracking');
    return tracking.userId;
  };

  app.get(
    '/api/v1/trackings/:trackingId',
    {
      schema: { tags: ['trackings'], summary: 'A tracking', description: 'Owner or admin.', security, params, response: { 200: trackingSchema, ...authErrors } },
    },
    async (request) => {
      const identity = await ctx.auth.requireCaller(request);
      const { trackingId } = request.params;
      return requireAccounts(ctx).getTracking(await actingUser(identity, trackingId), trackingId);
    },
  );

  app.patch(
    '/api/v1/trackings/:trackingId',
    {
      schema: {
        tags: ['trackings'],
        summary: 'Change a tracking',
        description: 'What is given replaces what was (rules as a whole). Owner or admin.',
        security,
        params,
        body: trackingPatchSchema,
        response: { 200: trackingResultSchema, ...authErrors },
      },
    },
    async (request) => {
      const identity = await ctx.auth.requireCaller(request);
      const { trackingId } = request.params;
      return requireAccounts(ctx).updateTracking(await actingUser(identity, trackingId), trackingId, request.body);
    },
  );

  app.delete(
    '/api/v1/trackings/:trackingId',
    {
      schema: { tags: ['trackings'], summary: 'Delete a tracking', description: 'Owner or admin.', security, params, response: { 204: z.null(), ...authErrors } },
    },
    async (request, reply) => {
      const identity = await ctx.auth.requireCaller(request);
      const { trackingId } = request.params;
      await requireAccounts(ctx).deleteTracking(await actingUser(identity, trackingId), trackingId);
      return reply.code(204).send(null);
    },
  );
}
