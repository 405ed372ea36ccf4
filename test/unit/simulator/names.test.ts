import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../../../config/schema.ts';
import { communeName, slug } from '../../../simulator/names.ts';

describe('generated names', () => {
  it.each([
    ['Xã Nậm Xé', 'xa-nam-xe'],
    ['Đồng Văn', 'dong-van'],
    ['Thị trấn Khánh Yên', 'thi-tran-khanh-yen'],
    ['Chiềng Ken 2', 'chieng-ken-2'],
  ])('slug(%j) = %j', (name, id) => {
    expect(slug(name)).toBe(id);
  });

  it('gives 5,000 distinct names whose slugs are distinct valid ids', () => {
    const names = Array.from({ length: 5_000 }, (_, n) => communeName(n));
    expect(new Set(names).size).toBe(5_000);
    const ids = names.map(slug);
    expect(new Set(ids).size).toBe(5_000);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
  });
});
