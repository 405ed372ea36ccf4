import { describe, expect, it } from 'vitest';
import { counted, roleLabels, severityLabels, stateLabels, ui } from '../../../web/lib/i18n.ts';
import { shownState, worstFirst, worstOf } from '../../../web/lib/order.ts';
import { fold, matches } from '../../../web/lib/search.ts';

describe('search without diacritics', () => {
  it.each([
    ['Nậm Xé', 'nam xe'],
    ['Đà Bắc', 'da bac'],
    ['XÃ  Tả   Lèng', 'xa ta leng'],
    ['Mường Hum', 'muong hum'],
    ['Ý Tý', 'y ty'],
    ['Nghĩa Đô', 'nghia do'],
  ])('fold(%s) is %s', (text, folded) => {
    expect(fold(text)).toBe(folded);
  });

  it.each([
    ['nam xe', true],
    ['NẬM', true],
    ['xe nam', true],
    ['vnpt', true],
    ['nam viettel', false],
    ['', true],
    ['   ', true],
    ['namxe', false],
  ])('"%s" finds Xã Nậm Xé (VNPT): %s', (query, found) => {
    expect(matches(query, ['Xã Nậm Xé', 'nam-xe', undefined, 'VNPT'])).toBe(found);
  });

  it('does not join two fields into a word that is in neither', () => {
    expect(matches('xe v', ['Nậm Xé', 'VNPT'])).toBe(true);
    expect(matches('xevn', ['Nậm Xé', 'VNPT'])).toBe(false);
  });
});

describe('problems first', () => {
  const site = (id: string, name: string, state: Parameters<typeof shownState>[0]['state'], stale = false) => ({ id, name, state, stale });

  it('orders down > degraded > unreachable > stale > maintenance > up, then by Vietnamese name', () => {
    const sites = [
      site('a', 'Tả Van', 'up'),
      site('b', 'Bản Hồ', 'up'),
      site('c', 'Đà Bắc', 'up'),
      site('d', 'Nậm Xé', 'down'),
      site('e', 'Sa Pả', 'maintenance', true),
      site('f', 'Lao Chải', 'up', true),
      site('g', 'Tả Phìn', 'unreachable'),
      site('h', 'Hầu Thào', 'degraded'),
      site('i', 'Dền Sáng', 'unknown'),
      site('j', 'Bản Khoang', 'down'),
    ];
    expect(worstFirst(sites).map((s) => s.name)).toEqual(['Bản Khoang', 'Nậm Xé', 'Hầu Thào', 'Tả Phìn', 'Dền Sáng', 'Lao Chải', 'Sa Pả', 'Bản Hồ', 'Đà Bắc', 'Tả Van']);
  });

  it('never shows stale data as up; a maintenance window explains the silence', () => {
    expect(shownState({ state: 'up', stale: true })).toBe('stale');
    expect(shownState({ state: 'maintenance', stale: true })).toBe('maintenance');
    expect(shownState({ state: 'down', stale: false })).toBe('down');
  });

  it('takes the worst of a bucket', () => {
    expect(worstOf(['up', 'maintenance', 'degraded', 'up'])).toBe('degraded');
    expect(worstOf(['up', 'stale'])).toBe('stale');
    expect(worstOf([])).toBeUndefined();
  });
});

describe('labels', () => {
  it('gives every state an icon and a label in both languages', () => {
    for (const entry of Object.values(stateLabels)) {
      expect(entry.icon).not.toBe('');
      expect(entry.vi).not.toBe('');
      expect(entry.en).not.toBe('');
    }
    expect(stateLabels.down.vi).toBe('Mất kết nối');
  });

  it('has every word of every view, role and severity in both languages', () => {
    const entries = [...Object.values(ui).flatMap((view) => Object.values(view)), ...Object.values(roleLabels), ...Object.values(severityLabels)];
    expect(entries.length).toBeGreaterThan(20);
    for (const entry of entries) {
      expect(entry.vi.trim()).not.toBe('');
      expect(entry.en.trim()).not.toBe('');
    }
  });

  it('counts in words', () => {
    expect(counted(2, 'outage', 'vi')).toBe('2 lần gián đoạn');
    expect(counted(1, 'outage', 'en')).toBe('1 outage');
    expect(counted(2, 'outage', 'en', '2')).toBe('2 outages');
  });
});
