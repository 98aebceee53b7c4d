import type { MgrMap } from '../../schemas/maps/index.ts';

/** What one manager of a group says of itself in the group's bucket. */
export interface GroupMember {
  readonly name: string;
  /** A stable number per manager run, shown as Ceph's `gid`. */
  readonly gid: number;
  /** The admin socket it serves commands on. */
  readonly addr: string;
  /** Where its modules serve (`set_uri`), published while it is active. */
  readonly services: Readonly<Record<string, string>>;
  /** When it joined, ISO 8601. */
  readonly since: string;
}

/** The managers of a group as this one sees them: who holds the lease and who else is there. */
export interface GroupView {
  readonly active: string | null;
  readonly members: Readonly<Record<string, GroupMember>>;
}

/**
 * The mgr map a group of mgrkit managers shows (`get('mgr_map')`, `mgr dump`): the recorded or live cluster's map
 * with its managers replaced by the group's, as `ceph mgr dump` shows them: the lease holder as `active_*`, the
 * others as `standbys`, the active's module URIs as `services`. The epoch and everything else stay the cluster's:
 * the group lives beside the event stream, never in it, so every manager folds the same events to the same state.
 */
export function groupMgrMap(recorded: MgrMap | null, group: GroupView): MgrMap {
  const active = group.active === null ? undefined : group.members[group.active];
  const available = recorded?.available_modules ?? [];
  const standbys = Object.values(group.members)
    .filter((m) => m.name !== group.active)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => ({ gid: m.gid, name: m.name, available_modules: available }));
  const base: MgrMap = recorded ?? {
    epoch: 0,
    active_gid: 0,
    active_name: '',
    active_addr: '',
    available: false,
    standbys: [],
    modules: [],
    available_modules: [],
    services: {},
  };
  const shown: Record<string, unknown> = { ...base };
  // The recorded cluster's own manager addresses say nothing about the group's.
  delete shown.active_addrs;
  return Object.freeze({
    ...shown,
    active_gid: active?.gid ?? 0,
    active_name: group.active ?? '',
    active_addr: active?.addr ?? '',
    ...(active !== undefined ? { active_change: active.since } : {}),
    available: active !== undefined,
    standbys,
    services: { ...(active?.services ?? {}) },
  }) as MgrMap;
}
