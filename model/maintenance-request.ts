import { clockTimeSchema, weekdays, type EntitySelector, type Weekday } from '../config/alerts.ts';
import { parseDuration } from '../config/duration.ts';
import { suggest } from '../config/errors.ts';
import { ID_PATTERN, type Config } from '../config/schema.ts';
import { formatLocal, parseLocalDateTime } from '../config/time.ts';
import type { RecurringSchedule } from './maintenance.ts';

// A maintenance window as a person asks for one — `linkwatch maintenance add --sites … --for 2h`
// or `POST /api/v1/maintenance {"sites": [...], "for": "2h"}` — checked against the inventory
// and turned into the window the control store keeps. One reading for both, so the CLI and the
// API accept exactly the same windows and refuse the rest with the same words.

export interface WindowRequest {
  sites?: readonly string[];
  groups?: readonly string[];
  links?: readonly string[];
  devices?: readonly string[];
  start?: string;
  end?: string;
  for?: string;
  every?: string;
  from?: string;
  to?: string;
  comment?: string;
  id?: string;
  by?: string;
}

export type WindowField = keyof WindowRequest;

/** What the store is asked to keep (the shape of NewMaintenanceWindow in store/control.ts). */
export interface RequestedWindow {
  id?: string;
  match: EntitySelector;
  startMs?: number;
  endMs?: number;
  every?: RecurringSchedule;
  comment?: string;
  by?: string;
}

export type WindowRequestResult = { ok: true; window: RequestedWindow } | { ok: false; field: WindowField | undefined; message: string };

/** How a field is named to the person asking: `--sites` on the command line, `sites` in JSON. */
export type Spell = (field: WindowField) => string;

class Refusal {
  constructor(
    readonly field: WindowField | undefined,
    readonly message: string,
  ) {}
}

const splitList = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((value) => value.split(',')).map((item) => item.trim()).filter((item) => item !== '');

/** The window asked for, or the first thing wrong with the request, naming the field and, for
 * an unknown id, the nearest known one. */
export function windowFromRequest(request: WindowRequest, config: Config, nowMs: number, spell: Spell): WindowRequestResult {
  try {
    return { ok: true, window: readWindow(request, config, nowMs, spell) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}

function readWindow(request: WindowRequest, config: Config, nowMs: number, spell: Spell): RequestedWindow {
  const refuse = (field: WindowField | undefined, message: string): never => {
    throw new Refusal(field, message);
  };
  const timeZone = config.alerts.timezone;
  const known = {
    sites: config.sites.map((site) => site.id),
    groups: [...new Set(config.sites.flatMap((site) => site.groups))],
    links: config.links.map((link) => link.id),
    devices: config.devices.map((device) => device.id),
  };
  const noun = { sites: 'site', groups: 'site group', links: 'link', devices: 'device' } as const;
  const match: EntitySelector = {};
  for (const key of ['sites', 'groups', 'links', 'devices'] as const) {
    const ids = [...new Set(splitList(request[key]))];
    for (const id of ids) {
      if (!known[key].includes(id)) refuse(key, `${spell(key)}: unknown ${noun[key]} "${id}"${suggest(id, known[key])}`);
    }
    if (ids.length > 0) match[key] = ids;
  }
  if (Object.keys(match).length === 0) refuse(undefined, `say what the window covers: ${spell('sites')}, ${spell('groups')}, ${spell('links')} or ${spell('devices')}`);

  const recurring = request.every !== undefined || request.from !== undefined || request.to !== undefined;
  const oneOff = request.start !== undefined || request.end !== undefined || request.for !== undefined;
  if (recurring && oneOff) refuse(undefined, `give either ${spell('start')}/${spell('end')}/${spell('for')} (one-off) or ${spell('every')}/${spell('from')}/${spell('to')} (recurring), not both`);
  if (!recurring && !oneOff) refuse(undefined, `say when: ${spell('start')} and ${spell('end')}, ${spell('for')}, or ${spell('every')} with ${spell('from')} and ${spell('to')}`);

  const id = request.id?.trim();
  if (id !== undefined) {
    if (!ID_PATTERN.test(id)) refuse('id', `${spell('id')} must be 1–64 lowercase letters, digits, "-" or "_", e.g. cat-cap-nam-xe; got "${id}"`);
    if (config.alerts.maintenance.some((window) => window.id === id)) refuse('id', `${spell('id')}: "${id}" is already a window in the config file`);
  }
  const comment = request.comment?.trim() || undefined;
  const by = request.by?.trim() || undefined;
  const common = { match, ...(id !== undefined ? { id } : {}), ...(comment !== undefined ? { comment } : {}), ...(by !== undefined ? { by } : {}) };

  if (recurring) return { ...common, every: readSchedule(request, spell, refuse) };

  const time = (field: 'start' | 'end', text: string) => {
    const ms = parseLocalDateTime(text, timeZone);
    if (ms === undefined) refuse(field, `${spell(field)}: expected a date and time such as 2026-12-01T22:00 (${timeZone}) or 2026-12-01T22:00+07:00; got "${text}"`);
    return ms!;
  };
  if (request.end !== undefined && request.for !== undefined) refuse('end', `give ${spell('end')} or ${spell('for')}, not both`);
  if (request.end !== undefined && request.start === undefined) refuse('end', `${spell('end')} needs ${spell('start')} (or use ${spell('for')} for a window starting now)`);
  if (request.end === undefined && request.for === undefined) refuse('start', `${spell('start')} needs ${spell('end')} or ${spell('for')}`);
  const startMs = request.start === undefined ? nowMs : time('start', request.start);
  let endMs: number;
  if (request.for !== undefined) {
    const length = parseDuration(request.for);
    if (!length.ok) refuse('for', `${spell('for')}: ${length.message}`);
    const ms = length.ok ? length.ms : 0;
    if (ms <= 0) refuse('for', `${spell('for')} must be longer than 0`);
    endMs = startMs + ms;
  } else endMs = time('end', request.end!);
  if (endMs <= startMs) refuse('end', `${spell('end')} (${formatLocal(endMs, timeZone)}) must be after ${spell('start')} (${formatLocal(startMs, timeZone)})`);
  if (endMs <= nowMs) refuse('end', `the window would be over already: it ends ${formatLocal(endMs, timeZone)}, before now (${formatLocal(nowMs, timeZone)})`);
  return { ...common, startMs, endMs };
}

function readSchedule(request: WindowRequest, spell: Spell, refuse: (field: WindowField | undefined, message: string) => never): RecurringSchedule {
  if (request.every === undefined) refuse('every', `${spell('from')} and ${spell('to')} go with ${spell('every')} DAYS (mon,tue,… or daily)`);
  if (request.from === undefined || request.to === undefined) refuse('every', `${spell('every')} needs ${spell('from')} HH:MM and ${spell('to')} HH:MM`);
  const from = request.from!;
  const to = request.to!;
  for (const field of ['from', 'to'] as const) {
    if (!clockTimeSchema.safeParse(request[field]).success) refuse(field, `${spell(field)} must be a time of day HH:MM, e.g. 22:00; got "${request[field]}"`);
  }
  const words = splitList([request.every!]).map((word) => word.toLowerCase());
  if (words.length === 0) refuse('every', `${spell('every')} needs days: mon,tue,… or daily`);
  if (words.length === 1 && (words[0] === 'daily' || words[0] === 'all')) return { from, to };
  const days: Weekday[] = [];
  for (const word of words) {
    if (!(weekdays as readonly string[]).includes(word)) refuse('every', `${spell('every')}: unknown day "${word}"${suggest(word, weekdays)}; days are ${weekdays.join(', ')}, or daily`);
    if (!days.includes(word as Weekday)) days.push(word as Weekday);
  }
  days.sort((a, b) => weekdays.indexOf(a) - weekdays.indexOf(b));
  return { days, from, to };
}
