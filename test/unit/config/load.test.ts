import { describe, expect, it } from 'vitest';
import { formatConfigError, type ConfigError } from '../../../config/errors.ts';
import { parseConfig } from '../../../config/load.ts';

const base = {
  sites: `
sites:
  - {id: dc, name: Trung tâm huyện, kind: district-centre}
  - {id: nam-xe, name: Xã Nậm Xé, kind: commune, parent: dc}
`,
  devices: `
devices:
  - id: nam-xe-router
    site: nam-xe
    role: router
    address: 10.0.0.1
    snmp: {credentials: {version: 2c, community: public}}
`,
  links: `
links:
  - {id: nam-xe-internet, site: nam-xe, kind: internet, device: nam-xe-router, interface: WAN1, targets: [10.0.0.254]}
`,
};

const errorsOf = (yaml: string, env: Record<string, string> = {}): ConfigError[] => {
  const result = parseConfig(yaml, { env });
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors;
};
const messagesOf = (yaml: string, env?: Record<string, string>) => errorsOf(yaml, env).map((error) => formatConfigError(error));

describe('a valid config', () => {
  it('parses with every default filled in', () => {
    const result = parseConfig(base.sites + base.devices + base.links);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { collector, influx, devices, links } = result.config;
    expect(collector.snmp).toEqual({ interval: 60_000, timeout: 5_000, retries: 1, maxRepetitions: 20 });
    expect(collector.icmp).toMatchObject({ interval: 30_000, timeout: 1_000, count: 5, engine: 'auto' });
    expect(influx).toMatchObject({ url: 'http://127.0.0.1:8086', database: 'linkwatch' });
    expect(devices[0]!.snmp).toMatchObject({ port: 161, interval: 60_000, timeout: 5_000, retries: 1 });
    expect(devices[0]!.interfaces).toBe('all');
    expect(links[0]!.targets).toEqual([{ address: '10.0.0.254', role: 'other', name: undefined }]);
  });

  it('is frozen, so nothing can change it behind the loader', () => {
    const result = parseConfig(base.sites);
    if (!result.ok) throw new Error('invalid');
    expect(Object.isFrozen(result.config.sites[0])).toBe(true);
    expect(() => {
      (result.config.sites as unknown as { id: string }[])[0]!.id = 'changed';
    }).toThrow();
  });

  it('stores names NFC-normalised', () => {
    const decomposed = 'Xã Nậm Xé'.normalize('NFD');
    const result = parseConfig(`sites:\n  - {id: a, name: "${decomposed}", kind: commune}\n`);
    if (!result.ok) throw new Error('invalid');
    expect(result.config.sites[0]!.name).toBe('Xã Nậm Xé'.normalize('NFC'));
    expect(result.config.sites[0]!.name).not.toBe(decomposed);
  });

  it('keeps the leading 0 of an unquoted phone number', () => {
    const result = parseConfig(`sites:\n  - {id: a, name: A, kind: commune, contact: {phone: 0912345678}}\n`);
    if (!result.ok) throw new Error('invalid');
    expect(result.config.sites[0]!.contact?.phone).toBe('0912345678');
  });

  it('resolves a credential profile and per-device overrides', () => {
    const yaml = `
credentials:
  communes: {version: 1, community: c}
${base.sites}
devices:
  - {id: r, site: dc, role: router, address: "::1", snmp: {credentials: communes, port: 1161, interval: 5m}}
`;
    const result = parseConfig(yaml);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.devices[0]!.snmp).toMatchObject({ profile: 'communes', port: 1161, interval: 300_000, credentials: { version: '1' } });
  });

  it('expands ${VAR}, ${VAR:-fallback} and $$', () => {
    const yaml = `
influx: {database: "\${DB:-linkwatch_test}", username: "cost$$5"}
credentials:
  p: {version: 2c, community: "\${COMMUNITY}"}
`;
    const result = parseConfig(yaml, { env: { COMMUNITY: 's3cret' } });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.influx.database).toBe('linkwatch_test');
    expect(result.config.influx.username).toBe('cost$5');
  });
});

describe('rejected configs name the path, the allowed values and what was found', () => {
  it.each([
    [
      'an SNMP version that does not exist',
      base.sites + base.devices.replace('version: 2c', 'version: 4'),
      'devices[0].snmp.credentials.version: expected one of 1, 2c, 3; got 4',
    ],
    ['a misspelt kind', base.sites.replace('kind: commune', 'kind: comune'), 'sites[1].kind: expected one of district-centre, town, commune, other; got "comune"'],
    ['an unknown key, with a suggestion', base.sites + 'collector:\n  snmp: {timeot: 5s}\n', 'collector.snmp.timeot: unknown key; did you mean "timeout"?; allowed keys here: interval, maxRepetitions, retries, timeout'],
    ['an unknown top-level key', 'site: []\n', 'site: unknown key; did you mean "sites"?'],
    ['a duration without unit', 'collector:\n  icmp: {interval: 30}\n', 'collector.icmp.interval: expected a duration such as 500ms, 30s, 5m, 1h30m or 7d; got "30"'],
    ['an id that is not URL-safe', 'sites:\n  - {id: Nậm Xé, name: x, kind: commune}\n', 'sites[0].id: must be 1–64 lowercase ASCII letters'],
    ['a missing required field', 'sites:\n  - {id: a, kind: commune}\n', 'sites[0].name: is required'],
    ['a bad address', base.sites + base.devices.replace('10.0.0.1', 'not an address!'), 'devices[0].address: must be an IPv4 or IPv6 address or a host name'],
    ['a port out of range', base.sites + base.devices.replace('snmp: {', 'snmp: {port: 70000, '), 'devices[0].snmp.port: must be at most 65535; got 70000'],
    ['an unknown auth protocol', 'credentials:\n  p: {version: 3, user: u, authProtocol: sha1, authKey: 12345678}\n', 'credentials.p.authProtocol: expected one of md5, sha, sha224, sha256, sha384, sha512; got "sha1"'],
    ['an unknown privacy protocol', 'credentials:\n  p: {version: 3, user: u, authProtocol: sha, authKey: 12345678, privProtocol: aes256, privKey: 12345678}\n', 'credentials.p.privProtocol: expected one of des, aes, aes256b, aes256r; got "aes256"'],
    ['a v3 level whose keys are missing', 'credentials:\n  p: {version: 3, user: u, level: authPriv, authProtocol: sha, authKey: 12345678}\n', 'credentials.p.privProtocol: required for security level authPriv'],
    ['a v3 key that is too short', 'credentials:\n  p: {version: 3, user: u, authProtocol: sha, authKey: short}\n', 'credentials.p.authKey: must be at least 8 characters (RFC 3414)'],
    ['a community on v3', 'credentials:\n  p: {version: 3, user: u, community: x}\n', 'credentials.p.community: unknown key'],
    ['an interface selector with a typo', base.sites + base.devices + '    interfaces: [{nme: "ether*"}]\n', 'devices[0].interfaces[0]: expected a mapping with one of the keys alias, index, name; got one with nme'],
    ['an invalid alias regex', base.sites + base.devices + '    interfaces: [{alias: "/([/"}]\n', 'devices[0].interfaces[0]: alias: invalid regular expression'],
    ['a backwards index range', base.sites + base.devices + '    interfaces: [{index: "9-2"}]\n', 'devices[0].interfaces[0]: index: range 9-2 runs backwards'],
    ['a link with nothing to watch it by', base.sites + 'links:\n  - {id: l, site: dc, kind: lan}\n', 'links[0].targets: a link needs ICMP targets, or a device and interface'],
    ['an interface without its device', base.sites + 'links:\n  - {id: l, site: dc, kind: lan, interface: ether1}\n', 'links[0].interface: needs `device`'],
    ['an unset environment variable', 'credentials:\n  p: {version: 2c, community: "${NOT_SET}"}\n', 'credentials.p.community: environment variable NOT_SET is not set'],
    ['a negative capacity', base.sites + 'links:\n  - {id: l, site: dc, kind: internet, targets: [::1], capacity: {downMbps: -5, upMbps: 10}}\n', 'links[0].capacity.downMbps: must be greater than 0; got -5'],
  ])('%s', (_name, yaml, expected) => {
    const messages = messagesOf(yaml);
    expect(messages.join('\n')).toContain(expected);
  });

  it.each([
    ['a duplicate id', base.sites + '  - {id: dc, name: again, kind: town}\n', 'sites[2].id: duplicate id "dc" (first used at sites[0])'],
    ['an unknown parent, with a suggestion', base.sites.replace('parent: dc', 'parent: dcc'), 'sites[1].parent: unknown site "dcc"; did you mean "dc"?'],
    ['an unknown device site', base.sites + base.devices.replace('site: nam-xe', 'site: nam-se'), 'devices[0].site: unknown site "nam-se"; did you mean "nam-xe"?'],
    ['an unknown credential profile', base.sites + base.devices.replace('{credentials: {version: 2c, community: public}}', '{credentials: commune}'), 'devices[0].snmp.credentials: unknown credential profile "commune": no profiles are defined under credentials'],
    ['an unknown link device', base.sites + base.devices + base.links.replace('device: nam-xe-router', 'device: nam-xe-ruter'), 'links[0].device: unknown device "nam-xe-ruter"; did you mean "nam-xe-router"?'],
    ['an unknown upstream', base.sites + base.devices + base.links.replace('targets:', 'upstream: dc-tslcd, targets:'), 'links[0].upstream: unknown link "dc-tslcd"'],
    [
      'a parent cycle',
      'sites:\n  - {id: a, name: A, kind: town, parent: c}\n  - {id: b, name: B, kind: town, parent: a}\n  - {id: c, name: C, kind: town, parent: b}\n',
      'sites[0].parent: parent cycle: a → c → b → a',
    ],
    ['a site that is its own parent', 'sites:\n  - {id: a, name: A, kind: town, parent: a}\n', 'sites[0].parent: parent cycle: a → a'],
    [
      'an upstream cycle',
      base.sites + 'links:\n  - {id: x, site: dc, kind: wan, targets: [::1], upstream: y}\n  - {id: y, site: dc, kind: wan, targets: [::1], upstream: x}\n',
      'links[0].upstream: upstream cycle: x → y → x',
    ],
    ['a monthly report through an unknown channel', 'alerts:\n  channels:\n    office: {type: email, host: smtp.x, from: a@x.vn, to: [b@x.vn]}\nreports:\n  monthly: {channel: ofice}\n', 'reports.monthly.channel: unknown channel "ofice"; did you mean "office"?'],
    ['a monthly report through a webhook', 'alerts:\n  channels:\n    hook: {type: webhook, url: "http://127.0.0.1/x"}\nreports:\n  monthly: {channel: hook}\n', 'reports.monthly.channel: channel "hook" is a webhook channel; reports are sent by e-mail'],
    ['a share over 100 %', 'reports: {upgradeSharePct: 180}\n', 'reports.upgradeSharePct'],
    ['a report format that does not exist', 'alerts:\n  channels:\n    office: {type: email, host: smtp.x, from: a@x.vn, to: [b@x.vn]}\nreports:\n  monthly: {channel: office, formats: [docx]}\n', 'reports.monthly.formats[0]'],
  ])('%s', (_name, yaml, expected) => {
    expect(messagesOf(yaml).join('\n')).toContain(expected);
  });

  it('gives the reports their defaults', () => {
    const result = parseConfig('sites: []\n');
    expect(result.ok && result.config.reports).toEqual({ language: 'vi', upgradeSharePct: 80, highSpeedMbps: 100, workingAvailabilityPct: 95, targetAvailabilityPct: 99, minCoveragePct: 99 });
  });

  it('lists every problem at once, each with its line and column', () => {
    const yaml = 'sites:\n  - {id: a, name: A, kind: village}\n  - {id: b, name: B, kind: town, colour: red}\n';
    const errors = errorsOf(yaml);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ path: 'sites[0].kind', line: 2, column: 28 });
    expect(errors[1]).toMatchObject({ path: 'sites[1].colour', line: 3 });
    expect(formatConfigError(errors[0]!, 'district.yaml')).toMatch(/^district\.yaml:2:28: sites\[0\]\.kind: expected one of/);
  });

  it('reports a YAML syntax error with its position instead of throwing', () => {
    const errors = errorsOf('sites:\n  - {id: a, name: A\n  kind: town\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(5);
    expect(errors[0]!.path).toBe('(yaml)');
    expect(errors[0]!.line).toBeGreaterThan(1);
  });

  it('rejects a duplicated key', () => {
    expect(messagesOf('influx: {database: a}\ninflux: {database: b}\n').join('\n')).toMatch(/unique|duplicate/i);
  });
});

describe('unset environment variables', () => {
  it('name the variable in a field of its own, and only those without a fallback', () => {
    const result = parseConfig('credentials:\n  p: {version: 2c, community: "${NOT_SET}"}\n  q: {version: 2c, community: "${ALSO_UNSET:-public}"}\n', { env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.flatMap((error) => error.unsetVariable ?? [])).toEqual(['NOT_SET']);
  });
});

describe('one run lists every problem', () => {
  it('reports unset variables, schema problems and references together, in file order', () => {
    const yaml = [
      'credentials:',
      '  p: {version: 2c, community: "${NOT_SET}"}',
      'sites:',
      '  - {id: a, name: A, kind: village}',
      '  - {id: a, name: A again, kind: town}',
      'devices:',
      '  - {id: r, site: b, role: rooter, address: 10.0.0.1, snmp: {credentials: q}}',
      'links:',
      '  - {id: l, site: a, kind: fibre, device: r2, targets: [::1]}',
    ].join('\n');
    const errors = errorsOf(yaml).map((error) => `${error.line}: ${error.path}: ${error.message}`);
    expect(errors).toEqual([
      '2: credentials.p.community: environment variable NOT_SET is not set',
      '4: sites[0].kind: expected one of district-centre, town, commune, other; got "village"',
      '5: sites[1].id: duplicate id "a" (first used at sites[0])',
      // The device's references are checked though its role is wrong.
      '7: devices[0].site: unknown site "b"; did you mean "a"?',
      '7: devices[0].role: expected one of router, switch, firewall, access-point, server, ups, modem, other; got "rooter"',
      '7: devices[0].snmp.credentials: unknown credential profile "q"; did you mean "p"?; defined: p',
      '9: links[0].kind: expected one of internet, tslcd, wan, lan; got "fibre"',
      '9: links[0].device: unknown device "r2"; did you mean "r"?',
    ]);
  });

  it('does not call an id unknown because the entry that defines it has another problem', () => {
    const yaml = 'sites:\n  - {id: a, name: A, kind: village}\nlinks:\n  - {id: l, site: a, kind: lan, targets: [::1]}\n';
    expect(messagesOf(yaml)).toEqual(['2:28: sites[0].kind: expected one of district-centre, town, commune, other; got "village"']);
  });

  it('reports a variable left unset once, not again as the empty value it leaves', () => {
    expect(messagesOf('influx: {url: "${NO_URL}"}\n')).toEqual(['1:15: influx.url: environment variable NO_URL is not set']);
  });
});

describe('messages say what is allowed, in words, never zod\'s own text', () => {
  it.each([
    ['a number below its minimum', 'collector: {concurrency: 0}\n', 'collector.concurrency: must be at least 1; got 0'],
    ['a number above its maximum', 'collector: {snmp: {retries: 11}}\n', 'collector.snmp.retries: must be at most 10; got 11'],
    ['a fraction where a whole number goes', 'collector: {icmp: {count: 2.5}}\n', 'collector.icmp.count: expected a whole number; got 2.5'],
    ['a switch given as a number', 'collector: {traps: {listen: false}}\n', 'collector.traps.listen: expected HOST:PORT such as 0.0.0.0:162, or "off"; got false'],
    ['a listen address without host', 'collector: {http: {listen: 9105}}\n', 'collector.http.listen: expected HOST:PORT such as 127.0.0.1:9105, or "off"; got 9105'],
    ['a community given as true', 'credentials:\n  p: {version: 2c, community: true}\n', 'credentials.p.community: expected text (write ${NAME} to read it from the environment); got true'],
    ['a profile name that is not an id', 'credentials:\n  "Xã A": {version: 2c, community: x}\n', 'credentials["Xã A"]: the name "Xã A" must be 1–64 lowercase ASCII letters'],
    ['a list given as a mapping', 'sites: {}\n', 'sites: expected a list; got a mapping'],
    ['an entry given as text', 'sites:\n  - just a name\n', 'sites[0]: expected a mapping (key: value); got "just a name"'],
    ['an empty selector list', 'sites: [{id: s, name: S, kind: town}]\ndevices:\n  - {id: r, site: s, role: router, address: 10.0.0.1, interfaces: []}\n', 'devices[0].interfaces: must list at least one entry'],
    ['a mistyped IPv4 address', 'sites: [{id: s, name: S, kind: town}]\ndevices:\n  - {id: r, site: s, role: router, address: 999.1.1.1}\n', 'devices[0].address: must be an IPv4 or IPv6 address or a host name'],
  ])('%s', (_name, yaml, expected) => {
    expect(messagesOf(yaml).join('\n')).toContain(expected);
  });
});
