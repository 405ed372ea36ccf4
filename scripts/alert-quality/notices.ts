import { z } from 'zod';

// What the harness reads of a webhook body (collector/alerts/model.ts `Notification`): the
// fields that say what, where and when. Validated, not cast; other fields pass through, and
// events and kinds stay strings, so a message of a kind or event added later is still scored.

const ref = z.looseObject({ id: z.string() });

export const noticeBodySchema = z.looseObject({
  id: z.string(),
  alertId: z.string(),
  event: z.string(),
  kind: z.string(),
  atMs: z.number(),
  startedMs: z.number(),
  endedMs: z.number().optional(),
  site: ref.optional(),
  link: ref.optional(),
  device: ref.optional(),
  interface: z.string().optional(),
  upstream: z.looseObject({ link: ref.optional(), site: ref.optional() }).optional(),
  affectedSites: z.array(ref).optional(),
  settledState: z.string().optional(),
  title: z.string().optional(),
});
export type NoticeBody = z.output<typeof noticeBodySchema>;

/** One message as the receiver took it. */
export interface ReceivedNotice {
  body: NoticeBody;
  /** When it arrived (epoch ms, the receiver's clock, the same as linkwatch's). */
  receivedMs: number;
}

/** A body the receiver could not read as a notification: kept, and reported. */
export interface UnreadableNotice {
  receivedMs: number;
  raw: string;
  message: string;
}

export function readNoticeBody(raw: string): { ok: true; body: NoticeBody } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, message: `not JSON: ${(error as Error).message}` };
  }
  const parsed = noticeBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ') };
  return { ok: true, body: parsed.data };
}
