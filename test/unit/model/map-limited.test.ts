import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../../model/map-limited.ts';

describe('mapLimited', () => {
  it.each([
    { items: 0, limit: 4 },
    { items: 1, limit: 4 },
    { items: 10, limit: 1 },
    { items: 10, limit: 3 },
    { items: 5, limit: 50 },
  ])('keeps the order of $items items with at most $limit in flight', async ({ items, limit }) => {
    let inFlight = 0;
    let most = 0;
    const input = Array.from({ length: items }, (_, i) => i);
    const output = await mapLimited(input, limit, async (item, index) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      // Later items finish first, so order must come from the index, not from completion.
      await new Promise((resolve) => setTimeout(resolve, (items - item) * 2));
      inFlight -= 1;
      return `${item}:${index}`;
    });
    expect(output).toEqual(input.map((i) => `${i}:${i}`));
    expect(most).toBeLessThanOrEqual(Math.max(1, limit));
    if (items >= limit && items > 0) expect(most).toBe(limit);
  });

  it('rejects when one item rejects', async () => {
    await expect(mapLimited([1, 2, 3], 2, async (item) => (item === 2 ? Promise.reject(new Error('two')) : item))).rejects.toThrow('two');
  });
});
