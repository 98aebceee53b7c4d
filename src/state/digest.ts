import { createHash } from 'node:crypto';
import type { ClusterState } from './cluster-state.ts';

const digests = new WeakMap<ClusterState, string>();

/** Orders an object's keys by UTF-16 code units, as RFC 8785 (JSON canonicalization) does. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort()) out[k] = src[k];
  return out;
}

/**
 * The canonical JSON of a value: keys sorted, no whitespace, numbers as ECMAScript prints them (RFC 8785 for the
 * JSON that cluster maps contain).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys) ?? 'null';
}

/**
 * The state digest: sha-256 (hex) of the canonical JSON of the whole cluster state. Replaying the same events
 * gives the same digest at every seq, on every machine. Memoised per snapshot.
 */
export function stateDigest(state: ClusterState): string {
  let d = digests.get(state);
  if (d === undefined) {
    d = createHash('sha256').update(canonicalJson(state)).digest('hex');
    digests.set(state, d);
  }
  return d;
}
