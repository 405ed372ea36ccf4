import { z } from 'zod';
import { languages } from '../../config/alerts.ts';
import { reportFormats } from '../../config/reports.ts';
import { parsePeriod } from '../../model/report-period.ts';
import { buildReport } from '../../reports/build.ts';
import { renderReport } from '../../reports/render.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { route, type Route } from '../route.ts';

// The audit report of a period through the API: the JSON document, or a CSV, HTML or PDF file to
// download, each sealed with its SHA-256 digest (X-Linkwatch-Digest tells it too). Reports are
// made one at a time: a PDF starts a Chromium, and a province's year reads much of the store.

const reportQuery = z.strictObject({
  period: z.string().min(1, 'say which period: 2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15').max(40),
  format: z.enum(reportFormats).default('json'),
  lang: z.enum(languages).optional(),
  /** `attachment` (default for csv, html, pdf) asks the browser to save it; `inline` to show it. */
  disposition: z.enum(['attachment', 'inline']).optional(),
});

export interface ReportRouteOptions {
  /** Chromium, for the PDF; default $LINKWATCH_CHROMIUM or /usr/bin/chromium. */
  chromium?: string;
}

export function reportRoutes(deps: ApiDeps & ReportRouteOptions): Route[] {
  const { config, influx, control, clock } = deps;
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return [
    route({
      id: 'getReport',
      method: 'get',
      path: '/reports',
      access: 'viewer',
      tag: 'reports',
      summary:
        'The audit report of a period (period=2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15; calendar days in alerts.timezone, the end excluded): availability with and without maintenance, outages, MTTR, MTBF, traffic and its 95th percentile against capacity, latency, inventory and its changes, the scorecard, coverage; format=json|csv|html|pdf, lang=vi|en',
      query: reportQuery,
      produces: 'stream',
      mediaType: 'application/json',
      errors: ['store-unavailable'],
      returns: 'the report (JSON: the AuditReport document with `digest`; CSV, HTML or PDF as a file); the header X-Linkwatch-Digest carries sha256:…',
      handle: async ({ query, response }) => {
        const parsed = parsePeriod(query.period, config.alerts.timezone);
        if (!parsed.ok) throw new ApiError('invalid-parameter', `query.${parsed.message}`);
        const nowMs = clock();
        if (parsed.period.startMs >= nowMs) throw new ApiError('invalid-parameter', `query.period: ${parsed.period.label} has not begun yet`);
        const rendered = await oneAtATime(async () => {
          const report = await buildReport({ config, influx, control, period: parsed.period, nowMs, ...(query.lang ? { language: query.lang } : {}), logger: deps.logger });
          return renderReport(report, query.format, { ...(deps.chromium ? { chromium: deps.chromium } : {}) });
        });
        const disposition = query.disposition ?? (query.format === 'json' ? 'inline' : 'attachment');
        response
          .status(200)
          .set({
            'Content-Type': rendered.contentType,
            'Content-Disposition': `${disposition}; filename="${rendered.fileName}"`,
            'X-Linkwatch-Digest': `sha256:${rendered.digest}`,
            'Cache-Control': 'no-store',
          })
          .end(rendered.bytes);
      },
    }),
  ];
}
