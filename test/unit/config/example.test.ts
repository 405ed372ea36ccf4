import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../config/load.ts';
import { deviceRoles, linkKinds, siteKinds, type Config } from '../../../config/schema.ts';

export const EXAMPLE_ENV = { LINKWATCH_COMMUNITY: 'public', LINKWATCH_V3_AUTH_KEY: 'authpass123', LINKWATCH_V3_PRIV_KEY: 'privpass123' };

const load = async (): Promise<Config> => {
  const result = await loadConfigFile(new URL('../../../config/example.yaml', import.meta.url).pathname, { env: EXAMPLE_ENV });
  if (!result.ok) throw new Error(result.errors.map((error) => `${error.line}: ${error.path}: ${error.message}`).join('\n'));
  return result.config;
};

describe('config/example.yaml, the documented sample district', () => {
  it('is valid', async () => {
    await expect(load()).resolves.toBeDefined();
  });

  it('is one district: a centre, one town and 21 communes, about 30 devices and 40 links', async () => {
    const config = await load();
    const count = (kind: string) => config.sites.filter((site) => site.kind === kind).length;
    expect(config.sites).toHaveLength(23);
    expect([count('district-centre'), count('town'), count('commune')]).toEqual([1, 1, 21]);
    expect(config.devices.length).toBeGreaterThanOrEqual(25);
    expect(config.devices.length).toBeLessThanOrEqual(35);
    expect(config.links.length).toBeGreaterThanOrEqual(35);
    expect(config.links.length).toBeLessThanOrEqual(45);
  });

  it('makes the district centre the parent of every other site', async () => {
    const config = await load();
    const centre = config.sites.find((site) => site.kind === 'district-centre')!;
    for (const site of config.sites) if (site !== centre) expect(site.parent, site.id).toBe(centre.id);
  });

  it('gives most communes both an internet line and a TSLCD line behind the district uplink', async () => {
    const config = await load();
    const communes = config.sites.filter((site) => site.kind === 'commune');
    const withBoth = communes.filter((site) => {
      const kinds = config.links.filter((link) => link.site === site.id).map((link) => link.kind);
      return kinds.includes('internet') && kinds.includes('tslcd');
    });
    expect(withBoth.length).toBeGreaterThan(communes.length / 2);
    const tslcd = config.links.filter((link) => link.kind === 'tslcd' && link.site !== 'district-centre');
    for (const link of tslcd) expect(link.upstream, link.id).toBe('dc-tslcd');
  });

  it('uses Vietnamese names with diacritics', async () => {
    const config = await load();
    expect(config.sites.filter((site) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủũứừửữựỳỷỹỵ]/i.test(site.name)).length).toBeGreaterThan(15);
  });

  it('shows every site kind except "other", every link kind but lan, and every SNMP version', async () => {
    const config = await load();
    const siteKindsUsed = new Set(config.sites.map((site) => site.kind));
    expect(siteKinds.filter((kind) => !siteKindsUsed.has(kind))).toEqual(['other']);
    const linkKindsUsed = new Set(config.links.map((link) => link.kind));
    expect(linkKinds.filter((kind) => !linkKindsUsed.has(kind))).toEqual(['wan', 'lan']);
    const versions = new Set(config.devices.map((device) => device.snmp?.credentials.version));
    expect([...versions].sort()).toEqual(['1', '2c', '3']);
    const roles = new Set(config.devices.map((device) => device.role));
    expect(roles.size).toBeGreaterThanOrEqual(5);
    expect(deviceRoles).toEqual(expect.arrayContaining([...roles]));
  });

  it('documents every top-level section in its comments', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../config/example.yaml', import.meta.url), 'utf8');
    for (const section of ['collector:', 'influx:', 'credentials:', 'sites:', 'devices:', 'links:']) {
      expect(text).toMatch(new RegExp(`^# ${section}`, 'm'));
    }
  });
});
