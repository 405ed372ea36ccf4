import { z } from 'zod';
import { languages } from './alerts.ts';
import { idSchema, nameSchema } from './fields.ts';

// The `reports` section: the thresholds the audit reports judge by, and the monthly report sent
// by e-mail. Every figure has a default, so a district that writes nothing gets the reports of
// issue 11 as specified.

export const reportFormats = ['json', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof reportFormats)[number];

const percent = z.number().min(0).max(100);

export const reportsSchema = z.strictObject({
  /** Who the reports are from, printed in their heading (e.g. the district's name). */
  organisation: nameSchema.optional(),
  language: z.enum(languages).default('vi'),
  /** A link needs an upgrade when its 95th percentile is above this share of its capacity. */
  upgradeSharePct: percent.default(80),
  /** Contracted download at or above this is "high-speed" internet in the scorecard. */
  highSpeedMbps: z.number().positive().default(100),
  /** A LAN or link is working over the period at or above this availability. */
  workingAvailabilityPct: percent.default(95),
  /** Sites below this availability are listed as missing the target. */
  targetAvailabilityPct: percent.default(99),
  /** Figures resting on less data than this are flagged. */
  minCoveragePct: percent.default(99),
  /** On the first day of each month, the previous month's report is made and sent through this
   * e-mail channel of `alerts.channels` (to its recipients, or `to` when given). */
  monthly: z
    .strictObject({
      channel: idSchema,
      to: z.array(z.email({ error: 'must be an e-mail address' })).min(1).optional(),
      formats: z.array(z.enum(reportFormats)).min(1).default(['pdf', 'csv']),
      /** Local time of day on the first of the month. */
      at: z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM, e.g. 07:00').default('07:00'),
    })
    .optional(),
});

export type ReportSettings = z.output<typeof reportsSchema>;
