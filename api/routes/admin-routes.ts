/**
 * Admin routes (the admin token, config `api.adminToken`): importing price history from CSV. The body
 * limit of this route is its own (`importBodyLimitBytes`), larger than the API's default.
 */
import { z } from 'zod';
import { apiErrorSchema } from '../../contracts/index.js';
import { type RouteContext, type ZodApp } from '../route-context.js';
import { importHistoryCsv } from '../services/history-import.js';

const importReportSchema = z.object({
  rows: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
  products: z.number().int(),
  batches: z.number().int(),
  dryRun: z.boolean(),
  written: z.boolean(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
});

export function registerAdminRoutes(app: ZodApp, ctx: RouteContext, options: { importBodyLimitBytes: number }): void {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: options.importBodyLimitBytes }, (_request, body, done) => {
    done(null, body);
  });

  app.post(
    '/api/v1/admin/import',
    {
      bodyLimit: options.importBodyLimitBytes,
      schema: {
        tags: ['admin'],
        summary: 'Import price history (CSV)',
        description:
          'Body: `text/csv` in the export\'s format (`marketplace,asin,series,checked_at,price,currency,list_price,availability`). Every row is validated; with any bad row ' +
          'nothing is written (422 with the report) unless `skipInvalid=true`. Points already stored are skipped; re-importing a file adds nothing. Admin token.',
        security: [{ bearer: [] }],
        querystring: z.strictObject({
          dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Validate and report only'),
          skipInvalid: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Write the valid rows even if some are bad'),
        }),
        body: z.string().describe('text/csv'),
        response: { 200: importReportSchema, 422: importReportSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 413: apiErrorSchema },
      },
    },
    async (request, reply) => {
      await ctx.auth.requireAdmin(request);
      const report = await importHistoryCsv(request.body, {
        clickhouse: ctx.clickhouse,
        redis: ctx.redis,
        channel: ctx.keys.productsChangedChannel,
        logger: ctx.logger,
        dryRun: request.query.dryRun,
        skipInvalid: request.query.skipInvalid,
      });
      return reply.code(report.invalid > 0 && !request.query.skipInvalid && !report.dryRun ? 422 : 200).send(report);
    },
  );
}
