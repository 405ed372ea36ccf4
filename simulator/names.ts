/** Commune-like Vietnamese names for generated networks, and the URL-safe ids made from them. */

const FIRST = ['Nậm', 'Chiềng', 'Khánh', 'Tân', 'Sơn', 'Minh', 'Làng', 'Dương', 'Hòa', 'Liêm', 'Thẩm', 'Võ', 'Pá', 'Mường', 'Bản', 'Phìn', 'Tả', 'Sà', 'Lùng', 'Hồng'];
const SECOND = ['Xé', 'Ken', 'Thàng', 'Quỳ', 'Mạc', 'Phú', 'Lương', 'Chầy', 'Dạng', 'Mả', 'Tha', 'Xây', 'Thủy', 'An', 'Giàng', 'Dương', 'Lao', 'Hồ', 'Pa', 'Cang'];

/** The n-th (0-based) generated commune name: every pair once, then numbered rounds. */
export function communeName(n: number): string {
  const pairs = FIRST.length * SECOND.length;
  const round = Math.floor(n / pairs);
  const k = n % pairs;
  // Step through the second list by a stride coprime with its length, so neighbours differ.
  const name = `${FIRST[k % FIRST.length]} ${SECOND[(k * 7 + Math.floor(k / FIRST.length)) % SECOND.length]}`;
  return round === 0 ? name : `${name} ${round + 1}`;
}

/** "Xã Nậm Xé" → "nam-xe": diacritics dropped, đ → d, spaces to hyphens. */
export function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
