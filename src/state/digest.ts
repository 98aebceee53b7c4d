import { createHash } from 'node:crypto';
import { writeCanonical } from './canonical-json.ts';
import { type ClusterState, DIGEST_FORMAT } from './cluster-state.ts';
import { type Lanes, lanesHex } from './lane-hash.ts';

export { canonicalJson, writeCanonical } from './canonical-json.ts';

const digests = new WeakMap<ClusterState, string>();

/**
 * The state digest of a state's seq, stream clock and digest sum: sha-256 (hex) of the canonical JSON of
 * `{"format": 4, "seq": seq, "stamp": stamp, "sum": sum}`, the sum as 32 hex digits (lane 0 first).
 */
export function digestOf(seq: number, stamp: number, sum: Lanes): string {
  const hash = createHash('sha256');
  writeCanonical({ format: DIGEST_FORMAT, seq, stamp, sum: lanesHex(sum) }, hash);
  return hash.digest('hex');
}

/**
 * The state digest. Each leaf of the state is hashed on its own, with its place (`digest-sum.ts`): a map entry (its
 * map and CRUSH map by their own hashes), a PG's stats (keys in the order its report carried them), a pool's place
 * in the PG table, a PG reporter's last report, a daemon (all but its counter histories, with its place in the
 * daemons' order), each counter history and the cluster log (by a rolling hash of their items, oldest first), each
 * section of the central config, the monitors' session, and the PG stats' running sums and tick windows (the whole
 * map's and each pool's). A leaf's hash is 128 bits (`lane-hash.ts`: the value walked as 32-bit words, keys in
 * code-unit order, through MurmurHash3's x86 128-bit mixing); the digest sum adds them lane by lane modulo 2^32,
 * and the digest is sha-256 of the format, seq, stream clock and sum ({@link digestOf}). A sum is order-free, so
 * the fold keeps it per event at the cost of the leaves that event changed, and every state carries its own
 * (`ClusterState.digestSum`, kept in its snapshot): the digest of any state costs one sha-256, and a store keeps the
 * sum of every seq beside its journal. Replaying the same events gives the same digest at every seq, on every
 * machine, however they were batched or recovered.
 */
export function stateDigest(state: ClusterState): string {
  let d = digests.get(state);
  if (d === undefined) {
    d = digestOf(state.seq, state.stamp, state.digestSum);
    digests.set(state, d);
  }
  return d;
}
