import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrushMapSchema } from '../../schemas/maps/crush-map.ts';
import { buildCrushMap } from '../../src/sim/crush-map.ts';
import { mapPg, placementSeed, stableMod } from '../../src/sim/placement.ts';
import { resolveSimOptions, splitPgs } from '../../src/sim/sim-options.ts';
import { createTopology, type Topology, WEIGHT_ONE } from '../../src/sim/topology.ts';

const PGS = 4096;

/** Every PG's OSDs, `size` slots each. */
function placeAll(topo: Topology, reweight: Int32Array, size = 3): Int32Array {
  const out = new Int32Array(PGS * size).fill(-1);
  for (let ps = 0; ps < PGS; ps++) {
    assert.equal(mapPg(topo, reweight, placementSeed(1, ps, PGS), size, out, ps * size), size);
  }
  return out;
}

const pg = (all: Int32Array, ps: number, size = 3) => Array.from(all.subarray(ps * size, ps * size + size));

describe('CRUSH-like placement', () => {
  const topo = createTopology({ osds: 24, hosts: 6, seed: 3 });
  const full = () => new Int32Array(topo.osds).fill(WEIGHT_ONE);

  it("puts each PG's replicas on distinct hosts", () => {
    const all = placeAll(topo, full());
    for (let ps = 0; ps < PGS; ps++) {
      const hosts = new Set(pg(all, ps).map((o) => topo.osdHost[o]));
      assert.equal(hosts.size, 3, `pg ${ps}: ${pg(all, ps)}`);
    }
  });

  it('gives OSDs PGs in proportion to their weight within a host', () => {
    const flat = createTopology({ osds: 40, hosts: 10, seed: 1 });
    (flat.osdWeight as Int32Array).fill(WEIGHT_ONE);
    (flat.hostWeight as Float64Array).fill(4 * WEIGHT_ONE);
    const reweight = new Int32Array(40).fill(WEIGHT_ONE);
    const all = placeAll(flat, reweight);
    const counts = new Array<number>(40).fill(0);
    for (const o of all) counts[o]!++;
    const expected = (PGS * 3) / 40;
    for (const c of counts) assert.ok(Math.abs(c - expected) < expected * 0.15, `${c} PGs vs ${expected} expected`);
  });

  it('moves only the PGs of an OSD that goes out, and never onto it', () => {
    const before = placeAll(topo, full());
    const reweight = full();
    reweight[5] = 0;
    const after = placeAll(topo, reweight);
    let moved = 0;
    for (let ps = 0; ps < PGS; ps++) {
      const a = pg(before, ps);
      const b = pg(after, ps);
      assert.ok(!b.includes(5), 'nothing maps to an out OSD');
      if (a.join() !== b.join()) {
        moved++;
        assert.ok(a.includes(5), `pg ${ps} moved without having osd.5: ${a} -> ${b}`);
      }
    }
    const had = Array.from({ length: PGS }, (_, ps) => pg(before, ps).includes(5)).filter(Boolean).length;
    assert.equal(moved, had);
  });

  it('halves what a reweighted OSD holds', () => {
    const before = placeAll(topo, full());
    const reweight = full();
    reweight[7] = WEIGHT_ONE / 2;
    const after = placeAll(topo, reweight);
    const count = (all: Int32Array) => all.filter((o) => o === 7).length;
    const ratio = count(after) / count(before);
    assert.ok(ratio > 0.35 && ratio < 0.65, `ratio ${ratio}`);
  });

  it('keeps split PGs with their parent until pgp_num follows (ceph_stable_mod)', () => {
    assert.equal(stableMod(5, 8), 5);
    assert.equal(stableMod(13, 12), 5);
    assert.equal(stableMod(11, 12), 11);
    assert.equal(placementSeed(1, 40, 32), placementSeed(1, 8, 32));
  });

  it('builds a CRUSH map with hosts under root default, racks for large clusters, and the chooseleaf rule', () => {
    const small = buildCrushMap(topo);
    assert.ok(CrushMapSchema.safeParse(small).success);
    assert.deepEqual(small.buckets.filter((b) => b.type_name === 'host' && !b.name.includes('~')).length, topo.hosts);
    assert.deepEqual(small.rules[0]!.steps[1], { op: 'chooseleaf_firstn', num: 0, type: 'host' });
    const big = buildCrushMap(createTopology({ osds: 800, hosts: 100, seed: 1 }));
    const root = big.buckets.find((b) => b.id === -1)!;
    assert.ok(root.items.every((i) => big.buckets.find((b) => b.id === i.id)?.type_name === 'rack'));
    assert.equal(
      root.weight,
      root.items.reduce((s, i) => s + i.weight, 0),
    );
  });
});

describe('simulator options', () => {
  it('splits PGs into powers of two per pool, close to the total asked for', () => {
    assert.deepEqual(splitPgs(1_000_000, 3), [524288, 262144, 262144]);
    assert.deepEqual(splitPgs(384, 3), [128, 128, 128]);
    for (const n of splitPgs(5000, 5)) assert.equal(n & (n - 1), 0);
  });

  it('derives hosts, pool size and PGs from the OSD count', () => {
    const c = resolveSimOptions({ osds: 10 });
    assert.equal(c.hosts, 3);
    assert.equal(c.poolSize, 3);
    assert.equal(c.poolMinSize, 2);
    assert.equal(c.pgNums.length, 3);
    assert.equal(resolveSimOptions({ osds: 2 }).poolSize, 2);
    assert.throws(() => resolveSimOptions({ osds: 3, hosts: 4 }));
    assert.throws(() => resolveSimOptions({ osds: 3, bogus: 1 } as never));
  });
});
