import type { CrushMap, OsdMap } from '../../../schemas/maps/index.ts';
import type { ClusterState } from '../cluster-state.ts';

/** One node of `ceph osd tree -f json` / `get('osd_map_tree')`. */
export type TreeNode = Record<string, unknown>;

/** `get('osd_map_tree')`: `{nodes, stray}`. */
export interface OsdMapTree {
  readonly nodes: readonly TreeNode[];
  readonly stray: readonly TreeNode[];
}

interface Item {
  id: number;
  parent: number;
  depth: number;
  weight: number;
}

const memo = new WeakMap<object, OsdMapTree>();

/**
 * The OSD tree as Ceph's `OSDTreeFormattingDumper` dumps it: from each non-shadow CRUSH root (lowest id first), depth
 * first; a bucket's children are visited sorted by device class and name (`<class>_osd.%08d` for devices, `_<name>`
 * for buckets) and listed in `children` in reverse of that order; devices carry their CRUSH weight (16.16 fixed point
 * as a float), depth, and the OSD map's up/exists/reweight/primary affinity; items with a parent bucket carry
 * `pool_weights`. OSDs that exist in the OSD map but not in CRUSH are `stray`.
 */
export function osdMapTreeView(s: ClusterState): OsdMapTree | null {
  const entry = s.maps.osd_map;
  if (entry === undefined || entry.crush === null) return null;
  let tree = memo.get(entry);
  if (tree === undefined) {
    tree = buildTree(entry.map, entry.crush);
    memo.set(entry, tree);
  }
  return tree;
}

function buildTree(osdMap: OsdMap, crush: CrushMap): OsdMapTree {
  const buckets = new Map(crush.buckets.map((b) => [b.id, b]));
  const typeName = new Map(crush.types.map((t) => [t.type_id, t.name]));
  const deviceClass = new Map(crush.devices.map((d) => [d.id, d.class]));
  const osds = new Map(osdMap.osds.map((o) => [o.osd, o]));
  const isShadow = (id: number) => (buckets.get(id)?.name ?? '').includes('~');
  const childIds = new Set(crush.buckets.flatMap((b) => b.items.map((i) => i.id)));
  const roots = crush.buckets
    .map((b) => b.id)
    .filter((id) => !childIds.has(id) && !isShadow(id))
    .sort((a, b) => a - b);

  const touched = new Set<number>();
  const nodes: TreeNode[] = [];
  const osdFields = (id: number): TreeNode => {
    const o = osds.get(id);
    const destroyed = (o?.state as string[] | undefined)?.includes('destroyed') ?? false;
    return {
      exists: o !== undefined && (o.state === undefined || (o.state as string[]).includes('exists')) ? 1 : 0,
      status: destroyed ? 'destroyed' : o?.up === 1 ? 'up' : 'down',
      reweight: o?.weight ?? 0,
      primary_affinity: o?.primary_affinity ?? 1,
    };
  };
  const dump = (qi: Item, children: number[] | null): TreeNode => {
    const node: TreeNode = { id: qi.id };
    const cls = deviceClass.get(qi.id);
    if (cls !== undefined) node.device_class = cls;
    const bucket = buckets.get(qi.id);
    if (bucket !== undefined) {
      node.name = bucket.name;
      node.type = typeName.get(bucket.type_id) ?? bucket.type_name;
      node.type_id = bucket.type_id;
    } else {
      node.name = `osd.${qi.id}`;
      node.type = typeName.get(0) ?? 'osd';
      node.type_id = 0;
      node.crush_weight = qi.weight;
      node.depth = qi.depth;
    }
    if (qi.parent < 0) node.pool_weights = {};
    if (bucket === undefined) Object.assign(node, osdFields(qi.id));
    if (children !== null) node.children = children;
    return node;
  };

  for (const root of roots) {
    const stack: Item[] = [{ id: root, parent: 0, depth: 0, weight: (buckets.get(root)?.weight ?? 0) / 0x10000 }];
    while (stack.length > 0) {
      const qi = stack.shift()!;
      touched.add(qi.id);
      const bucket = buckets.get(qi.id);
      if (bucket === undefined) {
        nodes.push(dump(qi, null));
        continue;
      }
      const sorted = new Map<string, Item>();
      for (let k = bucket.items.length - 1; k >= 0; k--) {
        const item = bucket.items[k]!;
        if (item.id < 0 && isShadow(item.id)) continue;
        const key =
          item.id >= 0
            ? `${deviceClass.get(item.id) ?? ''}_osd.${String(item.id).padStart(8, '0')}`
            : `_${buckets.get(item.id)?.name ?? ''}`;
        sorted.set(key, { id: item.id, parent: qi.id, depth: qi.depth + 1, weight: item.weight / 0x10000 });
      }
      const ordered = [...sorted.keys()].sort().map((k) => sorted.get(k)!);
      const children = [...ordered].reverse().map((i) => i.id);
      nodes.push(dump(qi, children));
      stack.unshift(...ordered);
    }
  }
  const stray = osdMap.osds
    .filter((o) => !touched.has(o.osd) && ((o.state as string[] | undefined)?.includes('exists') ?? true))
    .map((o) => dump({ id: o.osd, parent: 0, depth: 0, weight: 0 }, null));
  return Object.freeze({ nodes: Object.freeze(nodes), stray: Object.freeze(stray) });
}
