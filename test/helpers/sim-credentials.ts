import type { SnmpCredentials } from '../../config/schema.ts';
import { Secret } from '../../config/secret.ts';

/** Credentials the simulator tests give their agents and probes alike. */
export const community: SnmpCredentials = { version: '2c', community: new Secret('lw-sim-ro') };
export const communityV1: SnmpCredentials = { version: '1', community: new Secret('lw-sim-ro') };
export const usm: SnmpCredentials = {
  version: '3',
  user: 'linkwatch',
  context: '',
  level: 'authPriv',
  authProtocol: 'sha',
  authKey: new Secret('sim-auth-key-1'),
  privProtocol: 'aes',
  privKey: new Secret('sim-priv-key-1'),
};
