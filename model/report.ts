import type { Language } from '../config/alerts.ts';
import type { Availability } from './availability.ts';
import type { LatencyFigures, Scorecard, TrafficFigures } from './report-figures.ts';
import type { PeriodKind } from './report-period.ts';
import type { FactChange } from './facts.ts';

// The audit report as one document: what the JSON format is, and what the CSV, HTML and PDF
// formats render. Built by reports/build.ts from the store; the definitions it follows are
// README.md's "Audit reports" and are printed in every report.

export const REPORT_SCHEMA = 'linkwatch.audit-report/1';

export interface ReportSettingsUsed {
  upgradeSharePct: number;
  highSpeedMbps: number;
  workingAvailabilityPct: number;
  targetAvailabilityPct: number;
  minCoveragePct: number;
}

export interface SiteEntry {
  id: string;
  name: string;
  kind: string;
  parent?: string;
  links: string[];
  devices: string[];
  availability: Availability;
}

export interface LinkEntry {
  id: string;
  site: string;
  kind: string;
  name?: string;
  provider?: string;
  circuit?: string;
  capacity?: { downMbps: number; upMbps: number };
  availability: Availability;
  traffic: TrafficFigures;
  latency: LatencyFigures;
}

export interface InterfaceEntry {
  name: string;
  speedMbps: number | null;
}

export interface DeviceEntry {
  id: string;
  site: string;
  role: string;
  name?: string;
  address: string;
  availability: Availability;
  /** As SNMP last saw it before the period's end; absent when it never answered. */
  facts?: { vendor: string; model: string; firmware: string; serial: string; sysName: string; seenMs: number; interfaces: InterfaceEntry[] };
}

/** A fact change within the period, as recorded. */
export type ChangeEntry = FactChange;

export interface AuditReport {
  schema: typeof REPORT_SCHEMA;
  language: Language;
  organisation?: string;
  period: {
    kind: PeriodKind;
    label: string;
    firstDay: string;
    lastDay: string;
    fromMs: number;
    /** Excluded; the present when the period is not over (then `partial`). */
    toMs: number;
    partial: boolean;
    timeZone: string;
  };
  generatedMs: number;
  /** The coverage buckets (5 minutes unless the period is long). */
  coverageStepMs: number;
  settings: ReportSettingsUsed;
  summary: {
    sites: number;
    links: number;
    devices: number;
    /** Mean coverage of the links, and the figures (sites, links, devices) under minCoveragePct. */
    meanCoveragePct: number | null;
    flagged: number;
    outages: number;
    needsUpgrade: string[];
  };
  scorecard: Scorecard;
  sites: SiteEntry[];
  links: LinkEntry[];
  devices: DeviceEntry[];
  changes: ChangeEntry[];
}
