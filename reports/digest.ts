import { createHash } from 'node:crypto';

// The SHA-256 digest a report carries, so that a copy handed in can be checked later
// (`linkwatch report verify FILE`). A renderer writes DIGEST_PLACEHOLDER wherever the digest is
// to appear (the JSON field, the CSV's last row, the HTML's footer and meta tag); `seal` hashes
// the content as rendered, placeholders and all, and writes the digest in their place. `verify`
// undoes that: it finds the digest after its marker, puts the placeholder back wherever the
// digest appears, hashes, and compares. Any change to any byte outside the digest fails it.

export const DIGEST_PLACEHOLDER = '0'.repeat(64);

/** What precedes the digest in every format: `sha256:` then the 64 hex digits. */
export const DIGEST_MARKER = 'sha256:';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

// Read as latin1, every byte is one character and back: the digest (ASCII) is found and put
// back in a PDF's bytes or a UTF-8 text's alike, without changing any other byte.
const asBytes = (text: string) => Buffer.from(text, 'latin1');
const asChars = (bytes: Buffer) => bytes.toString('latin1');

/** The bytes with their digest written in; they must hold the marker and the placeholder. */
export function sealBytes(bytes: Buffer): { bytes: Buffer; digest: string } {
  const chars = asChars(bytes);
  if (!chars.includes(`${DIGEST_MARKER}${DIGEST_PLACEHOLDER}`)) throw new Error(`a sealed report needs "${DIGEST_MARKER}" followed by the placeholder`);
  const digest = sha256(bytes);
  return { bytes: asBytes(chars.split(DIGEST_PLACEHOLDER).join(digest)), digest };
}

/** A text report (UTF-8) with its digest written in. */
export function seal(content: string): { content: string; digest: string } {
  const sealed = sealBytes(Buffer.from(content, 'utf8'));
  return { content: sealed.bytes.toString('utf8'), digest: sealed.digest };
}

export type Verification = { ok: true; digest: string } | { ok: false; reason: 'no-digest' | 'mismatch'; message: string; digest?: string; computed?: string };

/** Checks a report's bytes (any format) against the digest written in them. Every `sha256:…`
 * in the file is tried: a report may quote another digest (a device's fact, a comment), and
 * only its own makes the bytes hash to it. */
export function verifyBytes(bytes: Buffer): Verification {
  const chars = asChars(bytes);
  const candidates = [...new Set([...chars.matchAll(new RegExp(`${DIGEST_MARKER}([0-9a-f]{64})`, 'g'))].map((match) => match[1]!))];
  if (candidates.length === 0) return { ok: false, reason: 'no-digest', message: `no "${DIGEST_MARKER}" digest found: not a report made by linkwatch` };
  const tried = candidates.map((digest) => ({ digest, computed: sha256(asBytes(chars.split(digest).join(DIGEST_PLACEHOLDER))) }));
  const own = tried.find((entry) => entry.computed === entry.digest);
  if (own) return { ok: true, digest: own.digest };
  const first = tried[0]!;
  return { ok: false, reason: 'mismatch', message: `the file was changed after the report was made: it says ${first.digest}, its content gives ${first.computed}`, digest: first.digest, computed: first.computed };
}
