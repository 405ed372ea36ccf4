import type { AuditReport } from '../../model/report.ts';
import type { Locale } from '../lib/i18n.ts';
import { reportUrl } from '../lib/reports.ts';
import { getJson, type Fetched } from './client.ts';

// The audit report's JSON form, for the Reports page's preview. The files to download (PDF, CSV,
// HTML) are plain links to the same route: the browser saves them, nothing passes through here.

/** The report as the API answers it in JSON: the document, sealed with its digest `sha256:…`. */
export type ReportDocument = AuditReport & { digest: string };

export const fetchReport = (period: string, lang: Locale): Promise<Fetched<ReportDocument>> => getJson<ReportDocument>(reportUrl({ period, format: 'json', lang }));
