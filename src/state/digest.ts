import { createHash } from 'node:crypto';
import { writeCanonical } from './canonical-json.ts';
import { type ClusterState, DIGEST_FORMAT } from './cluster-state.ts';
import { knownLeaf, leafHash, rememberLeaf, textLeaf } from './part-leaf.ts';
import { type StatePart, type StateTop, stateParts, stateTop } from './state-parts.ts';

export { canonicalJson, writeCanonical } from './canonical-json.ts';

const digests = new WeakMap<ClusterState, string>();

/**
 * The leaf hash of a part, memoised per frozen part, and, for a part hashed as its JSON text
 * ({@link StatePart.asText}) when it was hashed now, that text, to be stored as it is.
 */
export function hashPart(part: StatePart): { readonly leaf: string; readonly text?: string } {
  const known = knownLeaf(part.refs);
  if (known !== undefined) return { leaf: known };
  let hashed: { leaf: string; text?: string };
  if (part.asText) {
    const text = JSON.stringify(part.content()) ?? 'null';
    hashed = { leaf: textLeaf(text), text };
  } else hashed = { leaf: leafHash(part.content()) };
  rememberLeaf(part.refs, hashed.leaf);
  return hashed;
}

/** The leaf hash of a part (see {@link stateDigest}), memoised per frozen part. */
export function partLeaf(part: StatePart): string {
  return hashPart(part).leaf;
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
 * (counter histories and the cluster log as arrays, oldest first), except a PG part's: sha-256 of its
 * `JSON.stringify` text: the array of its buckets (16, fewer at a pool's end; `null` for one not held), each an
 * array of 64 slots (`null` for no PG), a PG's stats with their keys in the order its report carried them
 * (ECMAScript's own order: integer-like keys first). The digest is sha-256 (hex) of the canonical JSON
 * of `{"parts": [[name, leaf], ...], "top": top}`, parts ordered by name, where the top is the rest of the state
 * (`format` 3, seq, stamp, config, deltas, cluster log...) with the kinds of maps held, the tables' sizes and the
 * PG table's shape. The cut is fixed by the content, and the keys' order by the events' text, so replaying the same
 * events gives the same digest at every seq, on every machine, however they were batched or recovered; a leaf is
 * memoised per frozen part, so a new snapshot hashes only the parts that changed.
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
