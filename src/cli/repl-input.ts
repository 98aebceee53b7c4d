import vm from 'node:vm';

/** The errors V8 gives for input that more lines could complete. */
const RECOVERABLE = /^(Unexpected end of input|Unterminated template literal|Missing } in template expression)/;

function recoverable(code: string): boolean | null {
  try {
    new vm.Script(code);
    return null;
  } catch (e) {
    return e instanceof SyntaxError && RECOVERABLE.test(e.message);
  }
}

/**
 * Whether input needs more lines, as Node's REPL decides it (a `Recoverable` error): an open bracket, string
 * template or block. The host allows `await` at the top, which a plain script does not: for the check it reads as
 * `void`, which parses wherever `await` may stand. Any other syntax error is the host's to report.
 */
export function isIncomplete(code: string): boolean {
  const plain = recoverable(code);
  if (plain !== false || !/\bawait\b/.test(code)) return plain === true;
  return recoverable(code.replace(/\bawait\b/g, 'void ')) === true;
}

/** The expression that lists what `mgr.` can complete to: the module's properties and methods, inherited ones too. */
export const MGR_NAMES_SOURCE = `(() => {
  const names = new Set();
  for (let o = mgr; o !== null && Object.getPrototypeOf(o) !== null; o = Object.getPrototypeOf(o))
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor' && !k.startsWith('_')) names.add(k);
  return [...names].sort();
})()`;

/**
 * Completions of the end of `line`, as node:repl's `completer` returns them: `mgr.<partial>` completes to the
 * module's names, a bare word to `mgr`.
 */
export function completeLine(line: string, names: readonly string[]): [string[], string] {
  const member = /(?:^|[^\w$.])mgr\.([\w$]*)$/.exec(line);
  if (member !== null) {
    const partial = member[1]!;
    return [names.filter((n) => n.startsWith(partial)).map((n) => `mgr.${n}`), `mgr.${partial}`];
  }
  const word = /(?:^|[^\w$.])([\w$]+)$/.exec(line)?.[1] ?? '';
  return [word !== '' && 'mgr'.startsWith(word) ? ['mgr'] : [], word];
}
