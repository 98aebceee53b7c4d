import { createHash } from 'node:crypto';
import { writeCanonical } from './canonical-json.ts';
import { type ClusterState, DIGEST_FORMAT } from './cluster-state.ts';
import { knownLeaf, leafHash, rememberLeaf } from './part-leaf.ts';
import { type StatePart, type StateTop, stateParts, stateTop } from './state-parts.ts';

export { canonicalJson, writeCanonical } from './canonical-json.ts';

const digests = new WeakMap<ClusterState, string>();

/** The leaf hash of a part: sha-256 (hex) of the canonical JSON of its logical content, memoised per frozen part. */
export function partLeaf(part: StatePart): string {
  let leaf = knownLeaf(part.refs);
  if (leaf === undefined) {
    leaf = leafHash(part.content());
    rememberLeaf(part.refs, leaf);
  }
  return leaf;
}

/**
 * The digest of a state given its top and the (name, leaf hash) of each of its parts, by name: what a stored
 * snapshot holds, so its digest needs none of its parts read.
 */
export function digestOfParts(top: StateTop, leaves: ReadonlyArray<readonly [string, string]>): string {
  const hash = createHash('sha256');
  writeCanonical({ top: { ...top, format: DIGEST_FORMAT }, parts: leaves }, hash);
  return hash.digest('hex');
}

/**
 * The state digest, a hash tree of two levels. The state is cut into parts (`state-parts.ts`): each map entry
 * (`maps/<kind>`), each non-empty chunk of the daemons and reporters tables (`daemons/<i>`, `reporters/<i>`, 256
 * chunks by FNV-1a of the key) and each run of 16 buckets of 64 PGs of a pool holding any PG (`pgs/<pool>/<n>`).
 * A part's leaf is sha-256 of the canonical JSON (RFC 8785 style: keys sorted, no whitespace) of its logical content
 * (counter histories and the cluster log as arrays, oldest first). The digest is sha-256 (hex) of the canonical JSON
 * of `{"parts": [[name, leaf], ...], "top": top}`, parts ordered by name, where the top is the rest of the state
 * (`format` 3, seq, stamp, config, deltas, cluster log...) with the kinds of maps held, the tables' sizes and the
 * PG table's shape. The cut is fixed by the content, so replaying the same events gives the same digest at every
 * seq, on every machine; a leaf is memoised per frozen part, so a new snapshot hashes only the parts that changed.
 */
export function stateDigest(state: ClusterState): string {
  let d = digests.get(state);
  if (d === undefined) {
    const leaves = stateParts(state).map((p) => [p.name, partLeaf(p)] as const);
    d = digestOfParts(stateTop(state), leaves);
    digests.set(state, d);
  }
  return d;
}
