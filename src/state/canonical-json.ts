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

const CHUNK = 1 << 20;

/** The JSON text of each key seen, and the sorted order of each key list seen: states repeat a few shapes a lot. */
class CanonicalShapes {
  private readonly keyText = new Map<string, string>();
  private readonly orders = new Map<string, Array<{ keys: string[]; sorted: string[] }>>();

  quoted(key: string): string {
    let q = this.keyText.get(key);
    if (q === undefined) {
      q = JSON.stringify(key);
      this.keyText.set(key, q);
    }
    return q;
  }

  /** `keys` sorted by code unit; a list equal to one seen before (same keys, same order) reuses its sort. */
  sorted(keys: string[]): string[] {
    if (keys.length < 2) return keys;
    const head = keys[0]!;
    let seen = this.orders.get(head);
    if (seen === undefined) {
      seen = [];
      this.orders.set(head, seen);
    }
    for (const s of seen) if (sameList(s.keys, keys)) return s.sorted;
    const sorted = keys.slice().sort();
    // Dictionaries keyed by ids (PGs, daemons, OSDs) rarely repeat: only a few lists per head are kept.
    if (seen.length < 8) seen.push({ keys, sorted });
    return sorted;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Feeds the canonical JSON of `value` to `sink` in chunks: the same text as {@link canonicalJson}, without ever
 * holding it whole (a state of 300,000 PGs is more text than one string may hold).
 */
export function writeCanonical(value: unknown, sink: { update(chunk: string): unknown }): void {
  const shapes = new CanonicalShapes();
  let buf = '';
  const flush = () => {
    if (buf.length >= CHUNK) {
      sink.update(buf);
      buf = '';
    }
  };
  const walk = (v: unknown): void => {
    // Where JSON.stringify leaves a value out of an object, the caller skips it; anywhere else it is null.
    switch (typeof v) {
      case 'string':
        buf += JSON.stringify(v);
        return;
      case 'number':
        buf += Number.isFinite(v) ? String(v) : 'null';
        return;
      case 'boolean':
        buf += v ? 'true' : 'false';
        return;
      case 'object':
        break;
      default:
        // bigint throws in JSON.stringify, as it would here.
        buf += typeof v === 'bigint' ? JSON.stringify(v) : 'null';
        return;
    }
    if (v === null) {
      buf += 'null';
      return;
    }
    if (Array.isArray(v)) {
      buf += '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) buf += ',';
        walk(v[i]);
      }
      buf += ']';
      flush();
      return;
    }
    buf += '{';
    let first = true;
    const o = v as Record<string, unknown>;
    for (const k of shapes.sorted(Object.keys(o))) {
      const x = o[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      buf += first ? `${shapes.quoted(k)}:` : `,${shapes.quoted(k)}:`;
      first = false;
      walk(x);
    }
    buf += '}';
    flush();
  };
  walk(value);
  if (buf !== '') sink.update(buf);
}
