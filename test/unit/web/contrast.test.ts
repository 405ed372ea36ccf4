import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The theme's colours against the backgrounds they are drawn on, in both themes, by WCAG 2's
// contrast ratio: text at least 4.5:1 (1.4.3), chart lines and strip cells at least 3:1 as
// graphical objects (1.4.11). A colour changed in theme.css that fails here fails the build.

const theme = readFileSync(new URL('../../../web/theme.css', import.meta.url), 'utf8');

function block(selector: string): Record<string, string> {
  const start = theme.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`theme.css has no ${selector} block`);
  const body = theme.slice(start, theme.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/(--lw-[a-z0-9-]+):\s*(#[0-9a-f]{6})/gi)].map((match) => [match[1]!, match[2]!]));
}

const light = block(':root');
const dark = { ...light, ...block(":root[data-theme='dark']") };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const channel = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

const text = ['--lw-text', '--lw-muted', '--lw-focus', '--lw-up', '--lw-degraded', '--lw-down', '--lw-unreachable', '--lw-maintenance', '--lw-stale'];
const graphics = ['--lw-traffic-in', '--lw-traffic-out', '--lw-loss-none', '--lw-loss-le5', '--lw-loss-le10', '--lw-loss-le20', '--lw-loss-le50', '--lw-loss-over50', '--lw-loss-series', '--lw-border'];

describe('contrast ratio', () => {
  it('is 21 for black on white and 1 for a colour on itself', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#777777')).toBe(1);
  });
});

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s theme', (_name, colours) => {
  it.each(text.flatMap((name) => ['--lw-bg', '--lw-surface'].map((background) => [name, background] as const)))('draws %s text on %s at 4.5:1 or more', (name, background) => {
    expect(contrast(colours[name]!, colours[background]!)).toBeGreaterThanOrEqual(4.5);
  });
  it('draws the banner text on the banner at 4.5:1 or more', () => {
    expect(contrast(colours['--lw-banner-text']!, colours['--lw-banner']!)).toBeGreaterThanOrEqual(4.5);
  });
  it.each(graphics.filter((name) => name !== '--lw-border'))('draws the chart colour %s on the surface at 3:1 or more', (name) => {
    expect(contrast(colours[name]!, colours['--lw-surface']!)).toBeGreaterThanOrEqual(3);
  });
  it('defines every colour the charts read', () => {
    for (const name of [...text, ...graphics, '--lw-band-outer', '--lw-band-inner']) expect(colours[name], name).toMatch(/^#[0-9a-f]{6}$/i);
  });
});
