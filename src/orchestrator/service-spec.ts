import { z } from 'zod';
import { OrchestratorError } from './orchestrator-error.ts';
import { PlacementSpecSchema } from './placement-spec.ts';

/** The service types `orch apply` knows, as Ceph's `ServiceSpec.KNOWN_SERVICE_TYPES` (the common ones). */
export const SERVICE_TYPES = [
  'mon',
  'mgr',
  'osd',
  'mds',
  'rgw',
  'nfs',
  'iscsi',
  'crash',
  'node-exporter',
  'prometheus',
  'grafana',
  'alertmanager',
] as const;
/** One of {@link SERVICE_TYPES}. */
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Which devices an OSD service consumes, as the `data_devices` of Ceph's `DriveGroupSpec`. */
export const DeviceSelectionSchema = z.object({
  all: z.boolean().optional(),
  paths: z.array(z.string().min(1)).optional(),
  limit: z.number().int().positive().optional(),
});
/** What {@link DeviceSelectionSchema} parses to. */
export type DeviceSelection = z.output<typeof DeviceSelectionSchema>;

/**
 * What `orch apply` asks for, as Ceph's `ServiceSpec` (and, for `osd`, its `DriveGroupSpec`): a type, an id for
 * types that have several services, where the daemons go, and for OSDs which devices they use.
 */
export const ServiceSpecSchema = z.object({
  service_type: z.enum(SERVICE_TYPES),
  service_id: z.string().min(1).optional(),
  placement: PlacementSpecSchema.default({}),
  unmanaged: z.boolean().default(false),
  data_devices: DeviceSelectionSchema.optional(),
});
/** What {@link ServiceSpecSchema} parses to. */
export type ServiceSpec = z.output<typeof ServiceSpecSchema>;

/** The service's name as Ceph forms it: `<type>` or `<type>.<id>` (`osd.all-available-devices`). */
export function serviceName(spec: Pick<ServiceSpec, 'service_type' | 'service_id'>): string {
  return spec.service_id === undefined ? spec.service_type : `${spec.service_type}.${spec.service_id}`;
}

/** Checks a spec given as data (from a command or a YAML file); an invalid one is an EINVAL `OrchestratorError`. */
export function parseServiceSpec(input: unknown): ServiceSpec {
  const r = ServiceSpecSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new OrchestratorError(
    `Invalid service spec: ${issue.path.join('.') || 'spec'}: ${issue.message}`,
    undefined,
    'MGR_ERR_ORCH_SPEC_INVALID',
  );
}
