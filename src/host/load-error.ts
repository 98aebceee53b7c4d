import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Line and column (both from 1) of the first occurrence of `needle` in `text`, or null. */
export function positionOf(text: string, needle: string): string | null {
  const at = text.indexOf(needle);
  if (at < 0) return null;
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** The first frame of a stack that is in the module's own file, as `line:col`. */
function frameIn(stack: string, file: string): string | null {
  const url = pathToFileURL(file).href;
  for (const line of stack.split('\n').slice(1)) {
    for (const where of [url, file]) {
      const i = line.indexOf(`${where}:`);
      if (i < 0) continue;
      const m = /^(\d+):(\d+)/.exec(line.slice(i + where.length + 1));
      if (m !== null) return `${m[1]}:${m[2]}`;
    }
  }
  return null;
}

/**
 * Why importing a module's file failed, on one line and starting with `file:line:col` wherever the loader says
 * where: a syntax error (the TypeScript transform names the place), an import that does not resolve (found in the
 * source), or an exception while the file ran (its frame in the file).
 */
export function describeLoadError(file: string, e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const transform = /^Transform failed with \d+ errors?:\n([\s\S]*)$/.exec(err.message);
  if (transform !== null) {
    // esbuild: "<file>:<line>:<col>: ERROR: <text>", one per error, its column from 0; the first tells where to look,
    // given from 1 as the other places here and editors have them.
    const first = transform[1]!.split('\n').find((l) => l.trim() !== '') ?? transform[1]!;
    const m = /^(.*):(\d+):(\d+): ERROR: (.*)$/.exec(first);
    return m === null ? first.replace(/: ERROR: /, ': ') : `${m[1]}:${m[2]}:${Number(m[3]) + 1}: ${m[4]}`;
  }
  const missing = /^Cannot find (?:package|module) '([^']+)' imported from /.exec(err.message);
  if (missing !== null) {
    let where: string | null = null;
    try {
      const source = readFileSync(file, 'utf8');
      where = positionOf(source, `'${missing[1]}'`) ?? positionOf(source, `"${missing[1]}"`);
    } catch {
      // The file is gone: say what we know.
    }
    return `${file}${where ? `:${where}` : ''}: cannot find package '${missing[1]}'`;
  }
  const frame = err.stack === undefined ? null : frameIn(err.stack, file);
  const text = err.message.split('\n')[0] ?? '';
  return `${file}${frame ? `:${frame}` : ''}: ${err.name !== 'Error' ? `${err.name}: ` : ''}${text}`;
}

/** A problem with a module class's static declarations, placed at the declaration it is about when it is found. */
export function placeClassProblem(file: string, source: string, problem: string): string {
  const decl = ['NOTIFY_TYPES', 'MODULE_OPTIONS'].find((d) => problem.includes(d)) ?? 'MODULE_OPTIONS';
  const where = positionOf(source, `${decl} `) ?? positionOf(source, decl);
  return `${file}${where ? `:${where}` : ''}: ${problem}`;
}
