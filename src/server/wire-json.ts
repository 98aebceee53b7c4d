/**
 * The JSON of the admin socket's requests, as Ceph's Python side reads and writes it: plain JSON plus the `NaN`,
 * `Infinity` and `-Infinity` tokens Python's `json` emits for a CephFloat, and integers kept exact past 2^53 (as
 * a bigint) instead of rounded. Parsing is iterative and refuses nesting past a depth, so no request can exhaust
 * the stack.
 */

/** Why a text is not a request: `depth` when nested too deep, `syntax` for anything else. */
export type WireJsonError = { ok: false; reason: 'syntax' | 'depth'; message: string };
export type WireJsonResult = { ok: true; value: unknown } | WireJsonError;

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const WS = /[ \t\n\r]*/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a raw control character ends the run (JSON wants it escaped)
const PLAIN_STRING = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const LITERALS: Array<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

type Frame = { kind: 'array'; value: unknown[] } | { kind: 'object'; value: Record<string, unknown>; key: string };

/**
 * Parses one JSON text. Containers nest at most `maxDepth` deep (the top-level value is depth 1); integers that a
 * double cannot hold exactly come back as bigints; an object's `__proto__` key is an own property, as JSON.parse
 * makes it.
 */
export function parseWireJson(text: string, maxDepth: number): WireJsonResult {
  let pos = 0;
  const stack: Frame[] = [];
  const fail = (message: string): WireJsonError => ({ ok: false, reason: 'syntax', message: `${message} at ${pos}` });
  const skip = () => {
    WS.lastIndex = pos;
    WS.exec(text);
    pos = WS.lastIndex;
  };
  const readString = (): string | null => {
    // the opening quote is at pos
    pos++;
    let out = '';
    for (;;) {
      PLAIN_STRING.lastIndex = pos;
      PLAIN_STRING.exec(text);
      out += text.slice(pos, PLAIN_STRING.lastIndex);
      pos = PLAIN_STRING.lastIndex;
      const c = text[pos];
      if (c === '"') {
        pos++;
        return out;
      }
      if (c !== '\\') return null;
      const e = text[pos + 1];
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        pos += 2;
      } else return null;
    }
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
        if (text[pos] !== '"') return fail('expected a key');
        const key = readString();
        if (key === null) return fail('bad string');
        skip();
        if (text[pos] !== ':') return fail("expected ':'");
        pos++;
        frame.key = key;
      }
      continue;
    } else if (c === '"') {
      const s = readString();
      if (s === null) return fail('bad string');
      value = s;
    } else {
      const lit = LITERALS.find(([word]) => text.startsWith(word, pos));
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
    else
      Object.defineProperty(parent.value, parent.key, { value, enumerable: true, writable: true, configurable: true });
    skip();
    const sep = text[pos];
    if (sep === ',') {
      pos++;
      if (parent.kind === 'object') {
        skip();
        if (text[pos] !== '"') return fail('expected a key');
        const key = readString();
        if (key === null) return fail('bad string');
        skip();
        if (text[pos] !== ':') return fail("expected ':'");
        pos++;
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
