import { describe, expect, it } from 'vitest';
import { selectInterfaces } from '../../../config/selectors.ts';
import type { InterfaceSelector } from '../../../config/schema.ts';

const interfaces = [
  { index: 1, name: 'ether1', alias: 'WAN VNPT' },
  { index: 2, name: 'ether2', alias: 'TSLCD uplink' },
  { index: 3, name: 'bridge-lan', alias: '' },
  { index: 7, name: 'Gi0/0/1', alias: 'to commune' },
  { index: 12, name: 'wlan1', alias: 'wifi' },
];

describe('selectInterfaces', () => {
  it.each<[string, 'all' | InterfaceSelector[], number[]]>([
    ['all', 'all', [1, 2, 3, 7, 12]],
    ['name glob', [{ name: 'ether*' }], [1, 2]],
    ['name glob is case-insensitive', [{ name: 'GI0/0/?' }], [7]],
    ['alias glob', [{ alias: '*WAN*' }], [1]],
    ['alias regex', [{ alias: '/uplink|commune/i' }], [2, 7]],
    ['index list and range', [{ index: '1,3-7' }], [1, 3, 7]],
    ['a single index number', [{ index: 12 }], [12]],
    ['any selector matches', [{ name: 'wlan*' }, { index: '1' }], [1, 12]],
    ['nothing matches', [{ name: 'sfp*' }], []],
  ])('%s', (_name, selection, expected) => {
    expect(selectInterfaces(interfaces, selection).map((iface) => iface.index)).toEqual(expected);
  });
});
