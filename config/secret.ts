import { inspect } from 'node:util';

const REDACTED = '<secret>';

/**
 * A credential (SNMP community, v3 key, password) that never prints itself: logs, JSON and
 * util.inspect all show `<secret>`. Only `reveal()` gives the value, so every place that
 * hands a secret to a protocol library is greppable.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const isSecret = (value: unknown): value is Secret => value instanceof Secret;

/** `text` with every secret's value (raw and URL-encoded, as it appears in a path) replaced by
 * `<secret>`. Error texts from fetch, undici and nodemailer may quote the URL or the command. */
export function redactSecrets(text: string, secrets: readonly (Secret | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length === 0) continue;
    const value = secret.reveal();
    for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(REDACTED);
  }
  return out;
}
