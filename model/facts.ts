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
