import { expectValue, type Decoded, type RawVarbind } from './decode.ts';

// ENTITY-MIB (RFC 6933) entPhysicalTable: what the hardware says it is. Many small routers have
// no ENTITY-MIB at all (Debian's snmpd has none): an empty walk is simply "no entities".

export const entPhysicalEntry = '1.3.6.1.2.1.47.1.1.1.1';

const columns = {
  descr: 2,
  containedIn: 4,
  class: 5,
  name: 7,
  hardwareRev: 8,
  firmwareRev: 9,
  softwareRev: 10,
  serialNum: 11,
  mfgName: 12,
  modelName: 13,
} as const;

/** PhysicalClass values (RFC 6933): the ones a hardware inventory cares about. */
export const physicalClasses: Record<number, string> = {
  1: 'other',
  2: 'unknown',
  3: 'chassis',
  4: 'backplane',
  5: 'container',
  6: 'powerSupply',
  7: 'fan',
  8: 'sensor',
  9: 'module',
  10: 'port',
  11: 'stack',
  12: 'cpu',
  13: 'energyObject',
  14: 'battery',
  15: 'storageDrive',
};

export interface PhysicalEntity {
  index: number;
  className: string;
  containedIn: number;
  descr: string;
  name: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
  serial: string;
  manufacturer: string;
  model: string;
}

/** Rows of a walked entPhysicalTable. Text columns may be absent: they default to ''. */
export function decodeEntities(varbinds: readonly RawVarbind[]): Decoded<PhysicalEntity[]> {
  const rows = new Map<number, Partial<Record<keyof typeof columns, string | number>>>();
  const byNumber = new Map<number, keyof typeof columns>(Object.entries(columns).map(([name, number]) => [number, name as keyof typeof columns]));
  const prefix = `${entPhysicalEntry}.`;
  for (const varbind of varbinds) {
    if (!varbind.oid.startsWith(prefix)) continue;
    const [columnText, indexText, ...rest] = varbind.oid.slice(prefix.length).split('.');
    const column = byNumber.get(Number(columnText));
    const index = Number(indexText);
    if (!column || rest.length > 0 || !Number.isInteger(index)) continue;
    const numeric = column === 'class' || column === 'containedIn';
    const value = numeric ? expectValue(varbind, `entPhysical${column}.${index}`, ['integer']) : expectValue(varbind, `entPhysical${column}.${index}`, ['octetString']);
    if (!value.ok) return value;
    const row = rows.get(index) ?? {};
    row[column] = value.value;
    rows.set(index, row);
  }
  const text = (value: string | number | undefined) => (typeof value === 'string' ? value.trim() : '');
  const entities = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, row]) => ({
      index,
      className: physicalClasses[Number(row.class)] ?? 'unknown',
      containedIn: typeof row.containedIn === 'number' ? row.containedIn : 0,
      descr: text(row.descr),
      name: text(row.name),
      hardwareRev: text(row.hardwareRev),
      firmwareRev: text(row.firmwareRev),
      softwareRev: text(row.softwareRev),
      serial: text(row.serialNum),
      manufacturer: text(row.mfgName),
      model: text(row.modelName),
    }));
  return { ok: true, value: entities };
}

/** The entity that stands for the whole device: the top-level chassis, else the first chassis,
 * else the first entity that carries a serial number or a model. */
export function chassisOf(entities: readonly PhysicalEntity[]): PhysicalEntity | undefined {
  const chassis = entities.filter((entity) => entity.className === 'chassis');
  return chassis.find((entity) => entity.containedIn === 0) ?? chassis[0] ?? entities.find((entity) => entity.serial !== '' || entity.model !== '');
}
