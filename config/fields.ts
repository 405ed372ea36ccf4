import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { Secret } from './secret.ts';

// Field types shared by every section of the config.

/** Accepts a plain string from YAML (after ${ENV} expansion), a number YAML read from digits
 * (a community such as 12345678), or an already-wrapped Secret. */
export const secretSchema = z
  .union([z.string(), z.number(), z.instanceof(Secret)])
  .describe('text (write ${NAME} to read it from the environment)')
  .transform((value) => (value instanceof Secret ? value : new Secret(String(value))))
  .refine((secret) => secret.length > 0, { message: 'must not be empty' });

/** Stable, URL-safe ids: they become InfluxDB tags and API paths, so they never change meaning. */
export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;
export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'must be 1–64 lowercase ASCII letters, digits, "-" or "_", starting and ending with a letter or digit (URL-safe), e.g. nam-xe');

/** Free text that YAML may have read as a number (a phone number, a circuit id). */
export const textSchema = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
/** Display names: NFC so "Nậm Xé" typed on a phone and on Windows compare equal. */
export const nameSchema = textSchema.transform((v) => v.normalize('NFC')).pipe(z.string().min(1, 'must not be empty'));

/** Numbers are accepted only to be refused with the duration message: `30` has no unit. */
export const durationSchema = z.union([z.string(), z.number()]).transform((text, ctx) => {
  const parsed = parseDuration(String(text));
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.ms;
});

/** A name whose last label is all digits is a mistyped IPv4 address (999.1.1.1), never a host. */
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
export const hostSchema = z
  .string()
  .refine((v) => isIP(v) !== 0 || (HOSTNAME.test(v) && !/(?:^|\.)\d+$/.test(v)), 'must be an IPv4 or IPv6 address or a host name');

export const portSchema = z.number().int().min(1).max(65535);

