/**
 * The JSON of the admin socket's requests, as Ceph's Python side reads and writes it: plain JSON plus the `NaN`,
 * `Infinity` and `-Infinity` tokens Python's `json` emits for a CephFloat, and integers kept exact past 2^53 (as
 * a bigint) instead of rounded. Nesting past a depth is refused before anything is built, so no request can
 * exhaust the stack. Text without those tokens or long integers (nearly every request) goes to JSON.parse.
 */

/** Why a text is not a request: `depth` when nested too deep, `syntax` for anything else. */
export type WireJsonError = { ok: false; reason: 'syntax' | 'depth'; message: string };
export type WireJsonResult = { ok: true; value: unknown } | WireJsonError;

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const LITERALS: Record<string, Array<[string, unknown]>> = {
  t: [['true', true]],
  f: [['false', false]],
  n: [['null', null]],
  N: [['NaN', Number.NaN]],
  I: [['Infinity', Infinity]],
  '-': [['-Infinity', -Infinity]],
};
/** Digits past which an integer literal may not fit a double exactly (2^53 has 16). */
const SAFE_DIGITS = 15;

/** The index just past the string literal whose opening quote is at `start`; -1 if it never ends. */
function stringEnd(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const q = text.indexOf('"', from);
    if (q === -1) return -1;
    let backslashes = 0;
    for (let b = q - 1; text.charCodeAt(b) === 92; b--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/**
 * One pass over the text outside its strings: nesting deeper than `maxDepth` (its place), else whether the text
 * holds what JSON.parse cannot read as Python's json does (NaN, Infinity, a long integer).
 */
function prescan(text: string, maxDepth: number): { deep: number } | { special: boolean } {
  let depth = 0;
  let special = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      if (end === -1) break;
      i = end;
      continue;
    }
    if (c === 91 || c === 123) {
      if (++depth > maxDepth) return { deep: i };
    } else if (c === 93 || c === 125) depth--;
    else if (c === 78 || c === 73) special = true;
    else if (c >= 48 && c <= 57) {
      let j = i;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j - i > SAFE_DIGITS) special = true;
      i = j;
      continue;
    }
    i++;
  }
  return { special };
}

/**
 * Parses one JSON text. Containers nest at most `maxDepth` deep (the top-level value is depth 1); integers that a
 * double cannot hold exactly come back as bigints; an object's `__proto__` key is an own property, as JSON.parse
 * makes it.
 */
export function parseWireJson(text: string, maxDepth: number): WireJsonResult {
  const scan = prescan(text, maxDepth);
  if ('deep' in scan) {
    return { ok: false, reason: 'depth', message: `nested deeper than ${maxDepth} levels at ${scan.deep}` };
  }
  if (!scan.special) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      return { ok: false, reason: 'syntax', message: (e as Error).message };
    }
  }
  return parseSpecial(text, maxDepth);
}

type Frame = { kind: 'array'; value: unknown[] } | { kind: 'object'; value: Record<string, unknown>; key: string };

/** The full parser, for text with NaN, Infinity or long integers. */
function parseSpecial(text: string, maxDepth: number): WireJsonResult {
  let pos = 0;
  const stack: Frame[] = [];
  const fail = (message: string): WireJsonError => ({ ok: false, reason: 'syntax', message: `${message} at ${pos}` });
  const skip = () => {
    for (let c = text.charCodeAt(pos); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(pos)) pos++;
  };
  const readString = (): string | null => {
    // the opening quote is at pos; JSON.parse reads the literal, escapes and all
    const end = stringEnd(text, pos);
    if (end === -1) return null;
    const start = pos;
    pos = end;
    let plain = true;
    for (let i = start + 1; i < end - 1 && plain; i++) {
      const c = text.charCodeAt(i);
      plain = c !== 92 && c >= 32;
    }
    if (plain) return text.slice(start + 1, end - 1);
    const literal = text.slice(start, end);
    try {
      return JSON.parse(literal) as string;
    } catch {
      return null;
    }
  };

  /** An object's key and the colon after it; `pos` at the key's opening quote, or whitespace before it. */
  const readKey = (): string | WireJsonError => {
    skip();
    if (text[pos] !== '"') return fail('expected a key');
    const key = readString();
    if (key === null) return fail('bad string');
    skip();
    if (text[pos] !== ':') return fail("expected ':'");
    pos++;
    return key;
  };

  let result: unknown;
  // Each turn reads one value (or closes a container) and hands it to the innermost open container.
  for (;;) {
    skip();
    let value: unknown;
    const top = stack.at(-1);
    const c = text[pos];
    if (top !== undefined && ((top.kind === 'array' && c === ']') || (top.kind === 'object' && c === '}'))) {
      pos++;
      stack.pop();
      value = top.value;
    } else if (c === '[' || c === '{') {
      if (stack.length + 1 > maxDepth) {
        return { ok: false, reason: 'depth', message: `nested deeper than ${maxDepth} levels at ${pos}` };
      }
      pos++;
      if (c === '[') stack.push({ kind: 'array', value: [] });
      else {
        const frame: Frame = { kind: 'object', value: {}, key: '' };
        stack.push(frame);
        skip();
        if (text[pos] === '}') continue;
        const key = readKey();
        if (typeof key !== 'string') return key;
        frame.key = key;
      }
      continue;
    } else if (c === '"') {
      const s = readString();
      if (s === null) return fail('bad string');
      value = s;
    } else {
      const lit = LITERALS[c ?? '']?.find(([word]) => text.startsWith(word, pos));
      if (lit !== undefined) {
        pos += lit[0].length;
        value = lit[1];
      } else {
        NUMBER.lastIndex = pos;
        const m = NUMBER.exec(text);
        if (m === null) return fail('unexpected character');
        pos = NUMBER.lastIndex;
        value = numberOf(m[0], m[1] === undefined && m[2] === undefined);
      }
    }

    // hand the value to its container, then expect a separator
    const parent = stack.at(-1);
    if (parent === undefined) {
      result = value;
      break;
    }
    if (parent.kind === 'array') parent.value.push(value);
    else if (parent.key === '__proto__') {
      // as JSON.parse makes it: an own key, not the object's prototype
      Object.defineProperty(parent.value, parent.key, { value, enumerable: true, writable: true, configurable: true });
    } else parent.value[parent.key] = value;
    skip();
    const sep = text[pos];
    if (sep === ',') {
      pos++;
      if (parent.kind === 'object') {
        const key = readKey();
        if (typeof key !== 'string') return key;
        parent.key = key;
      } else {
        skip();
        if (text[pos] === ']') return fail('trailing comma');
      }
    } else if (!((parent.kind === 'array' && sep === ']') || (parent.kind === 'object' && sep === '}'))) {
      return fail(`expected ',' or '${parent.kind === 'array' ? ']' : '}'}'`);
    }
  }
  skip();
  if (pos !== text.length) return fail('unexpected data after the value');
  return { ok: true, value: result };
}

function numberOf(literal: string, integer: boolean): number | bigint {
  const n = Number(literal);
  if (integer && !Number.isSafeInteger(n)) return BigInt(literal);
  return n;
}

/**
 * Writes a value as Python's `json.dumps` would send it: bigints with all their digits, non-finite numbers as
 * `NaN`/`Infinity`/`-Infinity`, everything else as JSON.stringify writes it.
 */
export function stringifyWireJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stringifyWireJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      parts.push(`${JSON.stringify(k)}:${stringifyWireJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
