import type { Config } from '../config/schema.ts';
import type { Logger } from '../model/logger.ts';
import type { ControlStore } from '../store/control.ts';
import type { InfluxHttp } from '../store/influx.ts';

/** What every route family is built from. Each family is a function `(deps) => Route[]` in
 * api/routes/, so a test builds the same routes over a private influxd and a fixed clock. */
export interface ApiDeps {
  config: Config;
  /** Reads of the time series (and, for tokens and the audit log, writes to the events policy). */
  influx: InfluxHttp;
  /** Acknowledgements, maintenance windows, alerts and entity states: the rows the alert engine
   * reads and writes, so an action taken here reaches an engine in another process. */
  control: ControlStore;
  logger: Logger;
  /** Epoch ms. Injected so tests can fix "now". */
  clock: () => number;
}
