/**
 * Runs `work` over `items` with at most `limit` in flight, results in the items' order: the
 * worker pool of the report builder (a query per link) and of `linkwatch discover` (a probe per
 * address). A rejection rejects the whole, as Promise.all does; callers that must not stop on
 * one item's failure turn it into a result first.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
