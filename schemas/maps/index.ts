export type {
  CrushBucket,
  CrushBucketItem,
  CrushDevice,
  CrushMap,
  CrushRule,
  CrushRuleStep,
  CrushTunables,
  CrushType,
} from './crush-map.ts';
export {
  CrushBucketItemSchema,
  CrushBucketSchema,
  CrushDeviceSchema,
  CrushMapSchema,
  CrushRuleSchema,
  CrushRuleStepSchema,
  CrushTunablesSchema,
  CrushTypeSchema,
} from './crush-map.ts';
export type { CompatSet, Filesystem, FsMap, MdsInfo, MdsMap } from './fs-map.ts';
export { CompatSetSchema, FilesystemSchema, FsMapSchema, MdsInfoSchema, MdsMapSchema } from './fs-map.ts';
export type { HealthCheck, HealthMap, HealthMute } from './health.ts';
export { HealthCheckSchema, HealthMapSchema, HealthMuteSchema, HealthStatus, HealthStatusSchema } from './health.ts';
export type {
  MgrAvailableModule,
  MgrMap,
  MgrModuleInfo,
  MgrModuleOption,
  MgrStandby,
} from './mgr-map.ts';
export {
  MgrAvailableModuleSchema,
  MgrMapSchema,
  MgrModuleInfoSchema,
  MgrModuleOptionSchema,
  MgrStandbySchema,
} from './mgr-map.ts';
export type { EntityAddr, EntityAddrVec, MonInfo, MonMap } from './mon-map.ts';
export { EntityAddrSchema, EntityAddrVecSchema, MonInfoSchema, MonMapSchema } from './mon-map.ts';
export type { FeatureMapEntry, MonStatus } from './mon-status.ts';
export { FeatureMapEntrySchema, MonStatusSchema } from './mon-status.ts';
export type { Osd, OsdMap, OsdXinfo, PgTemp, PgUpmapItems, Pool, PoolSnapIntervals } from './osd-map.ts';
export {
  OsdMapSchema,
  OsdSchema,
  OsdXinfoSchema,
  PgTempSchema,
  PgUpmapItemsSchema,
  PoolSchema,
  PoolSnapIntervalsSchema,
} from './osd-map.ts';
export type { Service, ServiceDaemon, ServiceMap } from './service-map.ts';
export { ServiceDaemonSchema, ServiceMapSchema, ServiceSchema } from './service-map.ts';
