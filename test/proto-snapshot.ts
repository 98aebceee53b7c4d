/** The builtins a polluting key would change: their own property names and descriptors, as text to compare. */
const WATCHED: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Object', Object],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['Function.prototype.toString', Function.prototype.toString],
  ['Object.prototype.hasOwnProperty', Object.prototype.hasOwnProperty],
  ['String.prototype', String.prototype],
];

function describeOwn(o: object): string[] {
  return Reflect.ownKeys(o).map((k) => {
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    const v = 'value' in d ? typeof d.value : `get:${typeof d.get} set:${typeof d.set}`;
    return `${String(k)} ${v} w:${d.writable} e:${d.enumerable} c:${d.configurable}`;
  });
}

/** A snapshot of the watched builtins, including each one's prototype. */
export function prototypeSnapshot(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, o] of WATCHED) {
    out[name] = describeOwn(o);
    out[`${name} proto`] = [String(Object.getPrototypeOf(o) === null ? 'null' : typeof Object.getPrototypeOf(o))];
  }
  return out;
}
