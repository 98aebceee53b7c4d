import type { ServiceSpec } from './service-spec.ts';

/** A daemon's state as Ceph's `DaemonDescriptionStatus`: running 1, stopped 0, error -1, unknown -2. */
export const DaemonStatus = { error: -1, stopped: 0, running: 1, unknown: -2 } as const;
/** One of the {@link DaemonStatus} numbers. */
export type DaemonStatusValue = (typeof DaemonStatus)[keyof typeof DaemonStatus];

/** One daemon, as Ceph's `DaemonDescription` (`orch ps`): what it is, where, and whether it runs. */
export interface DaemonDescription {
  readonly daemon_type: string;
  readonly daemon_id: string;
  /** `<type>.<id>`. */
  readonly daemon_name: string;
  readonly hostname: string;
  /** The service it belongs to (`osd.all-available-devices`, `mon`). */
  readonly service_name: string;
  readonly status: DaemonStatusValue;
  /** `running`, `stopped`, `error`, `unknown`. */
  readonly status_desc: string;
  readonly version?: string;
  readonly container_image_id?: string;
  readonly container_id?: string;
  readonly memory_usage?: number;
  readonly memory_request?: number;
  readonly ports?: readonly number[];
  /** ISO 8601 stamps. */
  readonly started?: string;
  readonly created?: string;
  readonly last_refresh?: string;
}

/** One service, as Ceph's `ServiceDescription` (`orch ls`): its spec, and how many of its daemons run. */
export interface ServiceDescription {
  readonly service_name: string;
  readonly spec: ServiceSpec;
  readonly running: number;
  readonly size: number;
  readonly ports?: readonly number[];
  readonly created?: string;
  readonly last_refresh?: string;
}

/** A storage device of a host, as Ceph's `Device` (`orch device ls`). */
export interface Device {
  readonly path: string;
  readonly device_id: string;
  /** `hdd` or `ssd`. */
  readonly human_readable_type: string;
  readonly sys_api: { readonly size: number; readonly rotational: boolean };
  readonly available: boolean;
  readonly rejected_reasons: readonly string[];
  /** The OSDs on it. */
  readonly osd_ids?: readonly number[];
}

/** A host's devices, as Ceph's `InventoryHost`. */
export interface InventoryHost {
  readonly name: string;
  readonly addr: string;
  readonly devices: readonly Device[];
}
