import type { PatchOperation } from '../../schemas/patch.ts';

type Json = Extract<PatchOperation, { op: 'replace' }>['value'];
type Container = Record<string, unknown> | unknown[];

const escapeSegment = (seg: string | number) => String(seg).replaceAll('~', '~0').replaceAll('/', '~1');

/** A JSON value copied, so that later edits of the live map never reach an operation already handed out. */
function snapshot<T>(value: T): T {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

/**
 * Edits a live map in place and writes down each edit as an RFC 6902 operation, so that the next epoch's patch is
 * exactly what changed and applying it to the previous map gives the live one.
 */
export class MapEditor<M extends object> {
  private ops: PatchOperation[] = [];

  constructor(readonly map: M) {}

  private parent(path: ReadonlyArray<string | number>): [Container, string | number] {
    let node: unknown = this.map;
    for (let i = 0; i < path.length - 1; i++) node = (node as Record<string, unknown>)[path[i]!];
    return [node as Container, path[path.length - 1]!];
  }

  private pointer(path: ReadonlyArray<string | number>): string {
    return `/${path.map(escapeSegment).join('/')}`;
  }

  /** Sets an existing member (or array element) to a new value; an unchanged value records nothing. */
  replace(path: ReadonlyArray<string | number>, value: unknown): void {
    const [node, key] = this.parent(path);
    const old = (node as Record<string, unknown>)[key];
    if (old === value) return;
    (node as Record<string, unknown>)[key] = value;
    this.ops.push({ op: 'replace', path: this.pointer(path), value: snapshot(value) as Json });
  }

  /** Adds a member, or inserts into an array at an index (`'-'` appends). */
  add(path: ReadonlyArray<string | number>, value: unknown): void {
    const [node, key] = this.parent(path);
    if (Array.isArray(node)) {
      if (key === '-') node.push(value);
      else node.splice(Number(key), 0, value);
    } else node[key] = value;
    this.ops.push({ op: 'add', path: this.pointer(path), value: snapshot(value) as Json });
  }

  /** Removes a member, or an array element (later elements shift down, as RFC 6902 says). */
  remove(path: ReadonlyArray<string | number>): void {
    const [node, key] = this.parent(path);
    if (Array.isArray(node)) node.splice(Number(key), 1);
    else delete node[key];
    this.ops.push({ op: 'remove', path: this.pointer(path) });
  }

  /** Whether any edit is waiting to be taken. */
  get pending(): boolean {
    return this.ops.length > 0;
  }

  /** The edits since the last call, as one patch. */
  take(): PatchOperation[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }
}
