import type { CrushMap } from '../../../schemas/maps/index.ts';

const f32 = Math.fround;

/**
 * `CrushWrapper::_get_take_weight_osd_map`: the OSDs under a `take` item with their CRUSH weights, breadth first,
 * and the items' summed weight (an int, as Ceph sums 16.16 weights); an OSD taken directly weighs 1.
 */
function takeWeights(crush: CrushMap, item: number): { weights: Map<number, number>; sum: number } {
  const weights = new Map<number, number>();
  if (item >= 0) {
    weights.set(item, 1);
    return { weights, sum: 1 };
  }
  const buckets = new Map(crush.buckets.map((b) => [b.id, b]));
  let isum = 0;
  const q = [item];
  while (q.length > 0) {
    const b = buckets.get(q.shift()!);
    if (b === undefined) continue;
    for (const it of b.items) {
      if (it.id >= 0) {
        const w = f32(it.weight);
        weights.set(it.id, w);
        isum = Math.trunc(isum + w);
      } else {
        q.push(it.id);
      }
    }
  }
  return { weights, sum: f32(isum) };
}

/** `_normalize_weight_map`: each OSD's share of the take's total weight, added into `into` (float, as Ceph). */
function addNormalized(into: Map<number, number>, t: { weights: Map<number, number>; sum: number }): void {
  for (const [id, w] of t.weights) {
    const share = f32(w / t.sum);
    const prev = into.get(id);
    into.set(id, prev === undefined ? share : f32(prev + share));
  }
}

/** `CrushWrapper::get_take_weight_osd_map`: the OSDs under `item`, weighted by their share of its weight. */
export function takeWeightOsdMap(crush: CrushMap, item: number): Map<number, number> {
  const out = new Map<number, number>();
  addNormalized(out, takeWeights(crush, item));
  return out;
}

/**
 * `CrushWrapper::get_rule_weight_osd_map`: each OSD under the rule's `take` steps, weighted by its share of the
 * take's total CRUSH weight (in float, as Ceph does). Null if there is no such rule.
 */
export function ruleWeightOsdMap(crush: CrushMap, ruleno: number): Map<number, number> | null {
  const rule = crush.rules.find((r) => (r as { rule_id?: number }).rule_id === ruleno);
  if (rule === undefined) return null;
  const out = new Map<number, number>();
  for (const step of rule.steps) {
    if (step.op !== 'take') continue;
    addNormalized(out, takeWeights(crush, (step as { item?: number }).item ?? 0));
  }
  return out;
}
