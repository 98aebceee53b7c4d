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
    const hash = createHash('sha256');
    writeCanonical(state, hash);
    d = hash.digest('hex');
    digests.set(state, d);
  }
  return d;
}

const CHUNK = 1 << 20;

/**
 * Feeds the canonical JSON of `value` to `sink` in chunks: the same text as {@link canonicalJson}, without ever
 * holding it whole (a state of 300,000 PGs is more text than one string may hold).
 */
export function writeCanonical(value: unknown, sink: { update(chunk: string): unknown }): void {
  let buf = '';
  const put = (text: string) => {
    buf += text;
    if (buf.length >= CHUNK) {
      sink.update(buf);
      buf = '';
    }
  };
  const walk = (v: unknown): void => {
    // Where JSON.stringify leaves a value out of an object, the caller skips it; anywhere else it is null.
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      put('null');
      return;
    }
    if (typeof v !== 'object') {
      put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        walk(v[i]);
      }
      put(']');
      return;
    }
    put('{');
    let first = true;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) {
      const x = o[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      first = false;
      walk(x);
    }
    put('}');
  };
  walk(value);
  if (buf !== '') sink.update(buf);
}
