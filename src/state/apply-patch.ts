import { isDraft } from 'immer';
import { isForbiddenKey } from '../../schemas/data-key.ts';
import { type JsonPatch, parsePointer } from '../../schemas/patch.ts';
import { MgrError } from '../errors.ts';
import { deepEqual } from './deep-equal.ts';

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/**
 * The child at `key`, made writable in place: a frozen child of a plain container (one this patch put there) is
 * replaced by its shallow copy; a draft's children are drafts already.
 */
function writableChild(parent: Container, key: string | number): unknown {
  const v = (parent as Record<string | number, unknown>)[key];
  if (!isContainer(v) || isDraft(v) || !Object.isFrozen(v)) return v;
  const copy = Array.isArray(v) ? v.slice() : { ...v };
  (parent as Record<string | number, unknown>)[key] = copy;
  return copy;
}

/**
 * A drafted array's elements in a plain array, read through the descriptor: the draft answers with what it holds
 * (a draft where it made one) and drafts nothing.
 */
function plainCopy(draft: unknown[]): unknown[] {
  const plain: unknown[] = new Array(draft.length);
  for (let i = 0; i < plain.length; i++) plain[i] = Object.getOwnPropertyDescriptor(draft, i)?.value;
  return plain;
}

function arrayIndex(arr: unknown[], seg: string, forAdd: boolean): number | undefined {
  if (forAdd && seg === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(seg)) return undefined;
  const i = Number(seg);
  return i < arr.length || (forAdd && i === arr.length) ? i : undefined;
}

/**
 * Applies an RFC 6902 patch to `doc` in place (an immer draft, so a failure part-way leaves the caller's state
 * untouched once the draft is discarded) and returns the new root. Every path must exist (for `add`, its parent);
 * errors name the operation's place in the event: `patch[3].path`.
 */
export function applyPatch(doc: unknown, ops: JsonPatch): unknown {
  let root = doc;
  ops.forEach((op, n) => {
    const where = (
      detail: string,
      code: 'MGR_ERR_FOLD_PATCH_PATH' | 'MGR_ERR_FOLD_PATCH_TEST' = 'MGR_ERR_FOLD_PATCH_PATH',
    ) => new MgrError(code, detail, { path: ['patch', n, 'path'] });
    const segs = parsePointer(op.path);
    const bad = segs.find(isForbiddenKey);
    if (bad !== undefined) {
      throw new MgrError('MGR_ERR_FOLD_PATCH_FORBIDDEN', `forbidden path segment "${bad}"`, {
        path: ['patch', n, 'path'],
      });
    }
    if (segs.length === 0) {
      if (op.op === 'remove') throw where('cannot remove the whole map');
      if (op.op === 'test') {
        if (!deepEqual(root, op.value)) throw where(`test failed at "${op.path}"`, 'MGR_ERR_FOLD_PATCH_TEST');
        return;
      }
      root = op.value;
      return;
    }
    let parent: unknown = root;
    let grand: Container | undefined;
    let grandKey: string | number = '';
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      let key: string | number;
      if (Array.isArray(parent)) {
        const idx = arrayIndex(parent, seg, false);
        if (idx === undefined) throw where(`no such key "${op.path}"`);
        key = idx;
      } else if (isContainer(parent) && Object.hasOwn(parent, seg)) {
        key = seg;
      } else {
        throw where(`no such key "${op.path}"`);
      }
      grand = parent as Container;
      grandKey = key;
      parent = writableChild(grand, key);
    }
    if (!isContainer(parent)) throw where(`no such key "${op.path}"`);
    const last = segs[segs.length - 1]!;
    let target: Container = parent;
    if (Array.isArray(target) && (op.op === 'add' || op.op === 'remove') && isDraft(target) && grand !== undefined) {
      // A splice through a draft moves every later element through the proxy, drafting each: on a table of
      // thousands (pg_temp in a rebalance) that is the whole fold's time. A plain copy takes the splices instead.
      target = plainCopy(target);
      (grand as Record<string | number, unknown>)[grandKey] = target;
    }
    if (Array.isArray(target)) {
      const idx = arrayIndex(target, last, op.op === 'add');
      if (idx === undefined) throw where(`no such index "${op.path}"`);
      if (op.op === 'add') target.splice(idx, 0, op.value);
      else if (op.op === 'remove') target.splice(idx, 1);
      else if (op.op === 'replace') target[idx] = op.value;
      else if (!deepEqual(target[idx], op.value)) throw where(`test failed at "${op.path}"`, 'MGR_ERR_FOLD_PATCH_TEST');
      return;
    }
    const exists = Object.hasOwn(target, last);
    if (op.op === 'add') {
      target[last] = op.value;
      return;
    }
    if (!exists) throw where(`no such key "${op.path}"`);
    if (op.op === 'remove') delete target[last];
    else if (op.op === 'replace') target[last] = op.value;
    else if (!deepEqual(target[last], op.value)) throw where(`test failed at "${op.path}"`, 'MGR_ERR_FOLD_PATCH_TEST');
  });
  return root;
}
