/** What a device says about itself, in the shape of the device_facts measurement. */
export interface DeviceFacts {
  sys_descr: string;
  sys_object_id: string;
  sys_name: string;
  sys_location: string;
  sys_contact: string;
  model: string;
  serial: string;
  manufacturer: string;
  hardware_rev: string;
  firmware_rev: string;
  software_rev: string;
  interface_count: number;
  interfaces: string;
}

/** One change the collector saw in a device's facts (the fact_change measurement): a serial
 * (device replaced), a firmware or software revision, or `interface:NAME` added, removed or
 * changed. `before` is empty for an interface added, `after` for one removed. */
export interface FactChange {
  atMs: number;
  device: string;
  site?: string;
  /** The device_facts field that changed, or `interface:NAME`. */
  fact: string;
  before: string;
  after: string;
}
