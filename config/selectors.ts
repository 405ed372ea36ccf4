import type { InterfaceSelector } from './schema.ts';

/** What the selectors see of an interface; the SNMP probe's interfaces satisfy it. */
export interface SelectableInterface {
  index: number;
  name: string;
  alias: string;
}

export type CompiledSelector = { ok: true; matches: (iface: SelectableInterface) => boolean } | { ok: false; message: string };

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

/** `name` is a glob over ifName (case-insensitive); `alias` a glob, or a `/regex/` when slashed;
 * `index` a number or ranges such as `1-4,7`. */
export function compileSelector(selector: InterfaceSelector): CompiledSelector {
  if ('name' in selector) {
    const pattern = globToRegExp(selector.name);
    return { ok: true, matches: (iface) => pattern.test(iface.name) };
  }
  if ('alias' in selector) {
    const slashed = /^\/(.*)\/([imsu]*)$/.exec(selector.alias);
    if (!slashed) {
      const pattern = globToRegExp(selector.alias);
      return { ok: true, matches: (iface) => pattern.test(iface.alias) };
    }
    try {
      const pattern = new RegExp(slashed[1]!, slashed[2]);
      return { ok: true, matches: (iface) => pattern.test(iface.alias) };
    } catch (error) {
      return { ok: false, message: `alias: invalid regular expression ${selector.alias}: ${(error as Error).message}` };
    }
  }
  const ranges = String(selector.index)
    .split(',')
    .map((part) => part.split('-').map(Number) as [number, number?]);
  for (const [from, to] of ranges) {
    if (to !== undefined && to < from) return { ok: false, message: `index: range ${from}-${to} runs backwards` };
  }
  return { ok: true, matches: (iface) => ranges.some(([from, to]) => iface.index >= from && iface.index <= (to ?? from)) };
}

/** The interfaces a device's `interfaces` setting selects. */
export function selectInterfaces<T extends SelectableInterface>(interfaces: readonly T[], selection: 'all' | readonly InterfaceSelector[]): T[] {
  if (selection === 'all') return [...interfaces];
  const matchers = selection.map(compileSelector).flatMap((compiled) => (compiled.ok ? [compiled.matches] : []));
  return interfaces.filter((iface) => matchers.some((matches) => matches(iface)));
}
