import type { ReportFormat } from '../config/reports.ts';
import type { AuditReport } from '../model/report.ts';
import { reportCsv } from './csv.ts';
import { DIGEST_MARKER, DIGEST_PLACEHOLDER, sealBytes } from './digest.ts';
import { reportHtml } from './html.ts';
import { label, labels } from './labels.ts';
import { htmlToPdf } from './pdf.ts';

// A report in one format, sealed with its digest: the bytes to write or send, with the type and
// file name that go with them. One entry per format of config/reports.ts, so a format added
// there fails to compile until it can be rendered.

export interface RenderedReport {
  bytes: Buffer;
  digest: string;
  contentType: string;
  fileName: string;
}

export interface RenderOptions {
  /** Chromium, for the PDF. */
  chromium?: string;
}

interface Renderer {
  contentType: string;
  extension: string;
  render(report: AuditReport, options: RenderOptions): Promise<Buffer>;
}

const text = (content: string) => Buffer.from(content, 'utf8');

const renderers: Record<ReportFormat, Renderer> = {
  json: { contentType: 'application/json; charset=utf-8', extension: 'json', render: async (report) => text(`${JSON.stringify({ ...report, digest: `${DIGEST_MARKER}${DIGEST_PLACEHOLDER}` }, null, 2)}\n`) },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', render: async (report) => text(reportCsv(report)) },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html', render: async (report) => text(reportHtml(report)) },
  pdf: {
    contentType: 'application/pdf',
    extension: 'pdf',
    render: (report, options) =>
      htmlToPdf(reportHtml(report, { digestIn: 'document-properties' }), {
        title: `linkwatch ${report.period.label}`,
        pageWord: label(labels.page, report.language),
        ...(options.chromium ? { executablePath: options.chromium } : {}),
      }),
  },
};

/** `linkwatch-2026-10.csv`: the period's label, with a custom range's dots made safe. */
export const reportFileName = (report: AuditReport, format: ReportFormat) => `linkwatch-${report.period.label.replace(/\.\./g, '_')}.${renderers[format].extension}`;

export async function renderReport(report: AuditReport, format: ReportFormat, options: RenderOptions = {}): Promise<RenderedReport> {
  const renderer = renderers[format];
  const sealed = sealBytes(await renderer.render(report, options));
  return { bytes: sealed.bytes, digest: sealed.digest, contentType: renderer.contentType, fileName: reportFileName(report, format) };
}
