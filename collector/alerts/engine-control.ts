import type { ControlStore } from '../../store/control.ts';
import type { AlertControl, RestoredAlert } from './engine.ts';
import { alertKinds, type AlertKind } from '../../model/alerts.ts';
import { severities, type Severity } from '../../config/alerts.ts';

/** The engine's view of the control store in InfluxDB: what it reads at start and every few
 * seconds. Records written by a newer engine with kinds this one does not know are skipped. */
export function engineControl(store: ControlStore): AlertControl {
  const isKind = (value: string): value is AlertKind => (alertKinds as readonly string[]).includes(value);
  const isSeverity = (value: string): value is Severity => (severities as readonly string[]).includes(value);
  return {
    acknowledgements: (sinceMs) => store.acknowledgements({ sinceMs }),
    maintenanceWindows: () => store.maintenanceWindows(),
    async restore() {
      const [states, alerts] = await Promise.all([store.lastEntityStates(), store.openAlerts()]);
      return {
        entities: states.map((record) => ({ kind: record.entityKind, id: record.entity, state: record.state, sinceMs: record.sinceMs, cause: record.cause })),
        alerts: alerts.flatMap((record): RestoredAlert[] => {
          if (!isKind(record.kind) || !isSeverity(record.severity) || record.entity === undefined) return [];
          const entityKind = record.entityKind === 'link' || record.entityKind === 'device' || record.entityKind === 'site' || record.entityKind === 'collector' ? record.entityKind : undefined;
          if (!entityKind) return [];
          return [
            {
              alertId: record.alertId,
              kind: record.kind,
              severity: record.severity,
              entityKind,
              entity: record.entity,
              ...(record.interface !== undefined ? { interface: record.interface } : {}),
              startedMs: record.startedMs,
              affected: record.affected,
              acknowledged: record.acked,
            },
          ];
        }),
      };
    },
    async sharedLinkStates(linkIds) {
      const wanted = new Set(linkIds);
      const states = await store.lastEntityStates();
      return new Map(states.filter((record) => record.entityKind === 'link' && wanted.has(record.entity)).map((record) => [record.entity, { state: record.state, sinceMs: record.sinceMs }]));
    },
  };
}
