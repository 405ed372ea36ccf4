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
