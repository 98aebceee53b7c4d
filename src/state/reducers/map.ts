import { current, type Draft, isDraft, produce } from 'immer';
import { EPOCH_MAP_KINDS, MAP_SCHEMAS, type MapKind } from '../../../schemas/event.ts';
import type { JsonPatch } from '../../../schemas/patch.ts';
import { MgrError } from '../../errors.ts';
import { applyPatch } from '../apply-patch.ts';
import type { ClusterState, MapEntry } from '../cluster-state.ts';
import { mapLeaf, swapLeaf } from '../digest-sum.ts';
import { checkPatched } from '../patch-validation.ts';
import { dropGonePgs } from './pg-stats.ts';
import type { Reducer, Sequenced } from './reducer.ts';
import { replacedValue } from './replaced-value.ts';

const EPOCH_KINDS: ReadonlySet<MapKind> = new Set(EPOCH_MAP_KINDS);

interface MapPayload {
  epoch?: number;
  map?: unknown;
  patch?: JsonPatch;
}

function patched(kind: MapKind, base: unknown, patch: JsonPatch): unknown {
  const plain = isDraft(base) ? current(base) : base;
  const next = produce(plain, (draft: unknown) => {
    const root = applyPatch(draft, patch);
    return root === draft ? undefined : (root as typeof draft);
  });
  const issue = checkPatched(MAP_SCHEMAS[kind], next, patch);
  if (issue !== null) {
    throw new MgrError('MGR_ERR_FOLD_INVALID_MAP', `after the patch, ${kind}: ${issue.message}`, {
      path: ['patch', ...issue.path],
    });
  }
  return next;
}

/** The next map of `kind` from a whole map or a patch, checked against the current one; throws to reject. */
function nextMap(kind: MapKind, prev: MapEntry<unknown> | undefined, event: MapPayload): unknown {
  const epochd = EPOCH_KINDS.has(kind);
  let map: unknown;
  if (event.map !== undefined) {
    if (epochd && prev?.epoch != null && event.epoch! < prev.epoch) {
      throw new MgrError('MGR_ERR_FOLD_STALE_MAP', `stale ${kind}: epoch ${event.epoch} is older than ${prev.epoch}`, {
        path: ['epoch'],
      });
    }
    map = event.map;
  } else {
    if (prev === undefined) {
      throw new MgrError('MGR_ERR_FOLD_PATCH_NO_BASE', `a ${kind} patch needs a previous ${kind}`, { path: ['patch'] });
    }
    if (epochd && event.epoch !== (prev.epoch ?? 0) + 1) {
      throw new MgrError(
        'MGR_ERR_FOLD_EPOCH_GAP',
        `${kind} patch has epoch ${event.epoch}, expected ${(prev.epoch ?? 0) + 1} (the previous epoch + 1)`,
        { path: ['epoch'] },
      );
    }
    map = patched(kind, prev.map, event.patch!);
  }
  const inner = (map as { epoch?: unknown }).epoch;
  if (epochd && typeof inner === 'number' && inner !== event.epoch) {
    throw new MgrError('MGR_ERR_FOLD_EPOCH_MISMATCH', `${kind} map has epoch ${inner}, the event says ${event.epoch}`, {
      path: [event.map !== undefined ? 'map' : 'patch', 'epoch'],
    });
  }
  return map;
}

type PoolPgNum = { pool: number; pg_num: number };

function mapReducer<K extends MapKind>(kind: K): Reducer<K> {
  return (draft: Draft<ClusterState>, event: Sequenced<K>) => {
    const maps = draft.maps as Record<MapKind, Draft<MapEntry<unknown>> | undefined>;
    const prev = maps[kind];
    const payload = event as MapPayload;
    const map = nextMap(kind, prev as MapEntry<unknown> | undefined, payload);
    const epoch = EPOCH_KINDS.has(kind) ? payload.epoch! : null;
    const { seq, t } = event as { seq: number; t: number };
    const entry = { map, epoch, seq, stamp: t };
    const held = replacedValue<MapEntry<unknown>>(maps, kind);
    swapLeaf(held === undefined ? undefined : mapLeaf(kind, held), undefined);
    if (kind === 'osd_map') {
      const prevPools = (prev as { map?: { pools?: PoolPgNum[] } } | undefined)?.map?.pools;
      dropGonePgs(draft, (map as { pools?: PoolPgNum[] }).pools ?? [], prevPools, t);
      const crush = (event as Sequenced<'osd_map'>).crush;
      const prevCrush = (prev as { crush?: unknown } | undefined)?.crush ?? null;
      maps[kind] = { ...entry, crush: crush ?? prevCrush } as Draft<MapEntry<unknown>>;
    } else {
      maps[kind] = entry as Draft<MapEntry<unknown>>;
    }
    swapLeaf(undefined, mapLeaf(kind, replacedValue<MapEntry<unknown>>(maps, kind)!));
  };
}

export const reduceMonMap = mapReducer('mon_map');
export const reduceOsdMap = mapReducer('osd_map');
export const reduceFsMap = mapReducer('fs_map');
export const reduceMgrMap = mapReducer('mgr_map');
export const reduceServiceMap = mapReducer('service_map');
export const reduceHealth = mapReducer('health');
export const reduceMonStatus = mapReducer('mon_status');
