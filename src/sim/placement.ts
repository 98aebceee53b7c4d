import { hash32 } from './rng.ts';
import { type Topology, WEIGHT_ONE } from './topology.ts';

/** CRUSH's `choose_total_tries`: how often a replica is redrawn after a collision or a rejected OSD. */
export const CHOOSE_TOTAL_TRIES = 50;

/** ln(u / 65536) for every 16-bit u, as straw2's `crush_ln` table: one lookup instead of a log per draw. */
const LN = new Float64Array(0x10000);
for (let u = 0; u < 0x10000; u++) LN[u] = Math.log((u + 1) / 0x10000);

/** The draw hash of straw2: item `id` for input `x` on attempt `r` (Ceph's rjenkins `crush_hash32_3`). */
function drawHash(x: number, id: number, r: number): number {
  let h = Math.imul(x ^ 0x3c6ef372, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ id;
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(r + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * straw2: every item draws ln(u)/weight from its own hash and the largest draw wins. Because an item's draw
 * depends only on its own weight, changing one item moves only what goes to or from that item.
 */
function straw2(
  x: number,
  r: number,
  items: Int32Array,
  from: number,
  to: number,
  ids: Int32Array | null,
  weights: ArrayLike<number>,
): number {
  let best = -1;
  let bestDraw = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const item = items[i]!;
    const w = weights[item]!;
    if (w <= 0) continue;
    const draw = LN[drawHash(x, ids === null ? item : ids[item]!, r) & 0xffff]! / w;
    if (draw > bestDraw) {
      bestDraw = draw;
      best = item;
    }
  }
  return best;
}

/** CRUSH's `is_out`: an OSD with reweight w (16.16) keeps a share w of the inputs that chose it. */
function rejected(reweight: number, x: number, osd: number): boolean {
  if (reweight >= WEIGHT_ONE) return false;
  if (reweight <= 0) return true;
  return (hash32(x, osd, 0x7e) & 0xffff) >= reweight;
}

/** Ceph's `ceph_stable_mod`: `x mod b` that moves as few inputs as possible when b grows. */
export function stableMod(x: number, b: number): number {
  let mask = 1;
  while (mask < b) mask <<= 1;
  mask -= 1;
  return (x & mask) < b ? x & mask : x & (mask >> 1);
}

/** A PG's placement seed (`pg_pool_t::raw_pg_to_pps` with `hashpspool`): its seed folded to pgp_num, with the pool. */
export function placementSeed(pool: number, ps: number, pgpNum: number): number {
  return hash32(stableMod(ps, pgpNum), pool, 0x2b);
}

const rackItems = new WeakMap<Topology, Int32Array>();

function racksOf(topo: Topology): Int32Array {
  let items = rackItems.get(topo);
  if (items === undefined) {
    items = Int32Array.from({ length: topo.racks }, (_, i) => i);
    rackItems.set(topo, items);
  }
  return items;
}

/**
 * The replicated rule `take default, chooseleaf_firstn 0 type host, emit`: up to `size` OSDs on distinct hosts for
 * placement seed `x`, written to `out[offset..]`; returns how many were found (fewer when hosts run out). Hosts are
 * drawn by CRUSH weight (through racks when the tree has them), then an OSD within the host; an OSD with reweight
 * below 1 keeps only its share of inputs, an out OSD (reweight 0) none, and a rejected draw is retried with the next
 * attempt number, as CRUSH does.
 */
export function mapPg(
  topo: Topology,
  reweight: Int32Array,
  x: number,
  size: number,
  out: Int32Array,
  offset: number,
): number {
  const racks = topo.racks > 0 ? racksOf(topo) : null;
  let n = 0;
  for (let rep = 0; rep < size; rep++) {
    for (let ftotal = 0; ftotal < CHOOSE_TOTAL_TRIES; ftotal++) {
      const r = rep + ftotal;
      let rack = 0;
      if (racks !== null) {
        rack = straw2(x, r, racks, 0, racks.length, topo.rackBucketId, topo.rackWeight);
        if (rack < 0) break;
      }
      const { start, items } = topo.rackHosts;
      const host = straw2(x, r, items, start[rack]!, start[rack + 1]!, topo.hostBucketId, topo.hostWeight);
      if (host < 0) break;
      let collides = false;
      for (let k = 0; k < n; k++) if (topo.osdHost[out[offset + k]!] === host) collides = true;
      if (collides) continue;
      const h = topo.hostOsds;
      const osd = straw2(x, r, h.items, h.start[host]!, h.start[host + 1]!, null, topo.osdWeight);
      if (osd < 0 || rejected(reweight[osd]!, x, osd)) continue;
      out[offset + n++] = osd;
      break;
    }
  }
  return n;
}
