// Search that ignores diacritics and case, as district staff type on phones without Telex:
// "nam xe" finds "Nậm Xé", "da" finds "Đà". đ/Đ is its own letter (not d plus a mark), so
// Unicode decomposition alone leaves it; it is mapped by hand.

/** Text without diacritics, lower case, runs of spaces as one. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether every word of the query appears in one of the fields, diacritics and case aside. */
export function matches(query: string, fields: readonly (string | undefined)[]): boolean {
  const words = fold(query).split(' ').filter((word) => word !== '');
  if (words.length === 0) return true;
  const haystack = fields.filter((field): field is string => field !== undefined).map(fold).join(' \u0000 ');
  return words.every((word) => haystack.includes(word));
}
