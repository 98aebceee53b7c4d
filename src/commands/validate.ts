/**
 * Matching input against command signatures, as Ceph's `ceph_argparse` does it: `validateCommand` is
 * `validate_command` (what the `ceph` CLI does with its argv words), `validateDict` checks a JSON command dict.
 */
import { type ArgScalar, type ArgValue, validateWord, wordOf } from './arg-types.ts';
import { ArgumentError } from './argument-error.ts';
import { type ArgDesc, type CommandSignature, describeArg } from './descriptor.ts';
import { pyListRepr } from './python-text.ts';

/** A command as the `ceph` CLI sends it: its `prefix` and its arguments by name. */
export type CommandDict = { prefix: string } & Record<string, unknown>;
export type ValidateResult =
  | { ok: true; cmd: CommandDict; signature: CommandSignature }
  | { ok: false; kind: 'invalid'; error: string; signature: CommandSignature }
  | { ok: false; kind: 'no-match'; closest: CommandSignature[] };

/** One descriptor of a signature while matching: a literal prefix word, or an argument. */
interface Slot {
  readonly word: string | null;
  readonly arg: ArgDesc | null;
  readonly name: string;
  readonly req: boolean;
  readonly positional: boolean;
  readonly N: boolean;
  /** How many values are still wanted; for `n=N` it grows by one with each value seen. */
  n: number;
  numseen: number;
}

function slotsOf(sig: CommandSignature): Slot[] {
  const prefix = sig.prefix.map(
    (word): Slot => ({ word, arg: null, name: 'prefix', req: true, positional: true, N: false, n: 1, numseen: 0 }),
  );
  const args = sig.args.map(
    (arg): Slot => ({
      word: null,
      arg,
      name: arg.name,
      req: arg.req,
      positional: arg.positional,
      N: arg.n === 'N',
      n: arg.n === 'N' ? 1 : arg.n,
      numseen: 0,
    }),
  );
  return [...prefix, ...args];
}

function describeSlot(slot: Slot): string {
  return slot.arg === null ? slot.word! : describeArg(slot.arg);
}

/** `validate_one`: checks a word for a slot; an `n=N` list word is split at commas, except a positional CephString. */
function validateOne(word: string, slot: Slot, isKwarg: boolean, partial = false): ArgScalar[] {
  const vals: ArgScalar[] = [];
  if (slot.arg === null) vals.push(validateWord({ type: 'CephPrefix', prefix: slot.word! }, word, partial));
  else if (slot.N && (isKwarg || slot.arg.type !== 'CephString')) {
    for (const part of word.split(',')) vals.push(validateWord(slot.arg, part, partial));
  } else vals.push(validateWord(slot.arg, word, partial));
  slot.numseen += 1;
  if (slot.N) slot.n = slot.numseen + 1;
  return vals;
}

/**
 * `matchnum`: how many required descriptors the words match, in order (no keyword forms). With `partial`, the last
 * word may be the beginning of a literal or choice.
 */
export function matchCount(words: readonly string[], sig: CommandSignature, partial = false): number {
  const rest = [...words];
  let matchcnt = 0;
  for (const slot of slotsOf(sig)) {
    slot.numseen = 0;
    while (slot.numseen < slot.n) {
      if (rest.length === 0) return matchcnt;
      const word = rest.shift()!;
      try {
        validateOne(word, slot, false, partial && rest.length === 0);
      } catch (e) {
        if (!(e instanceof ArgumentError)) throw e;
        if (!slot.req) {
          rest.unshift(word);
          break;
        }
        return matchcnt;
      }
    }
    if (slot.req) matchcnt += 1;
  }
  return matchcnt;
}

/** An `n=<k>` argument (k > 1): its k values travel as a list. */
function isFixedList(slot: Slot): boolean {
  return slot.arg !== null && typeof slot.arg.n === 'number' && slot.arg.n > 1;
}

/**
 * `store_arg`. Unlike Ceph, an `n=<k>` argument keeps all its values (Ceph's keeps only the last, which its own
 * mgr then cannot read as the tuple it declared).
 */
function storeArg(slot: Slot, vals: ArgScalar[], d: Record<string, unknown>): void {
  if (slot.N || isFixedList(slot)) {
    const prev = d[slot.name];
    d[slot.name] = Array.isArray(prev) ? [...prev, ...vals] : vals;
  } else if (slot.arg === null && slot.name in d) d[slot.name] = `${d[slot.name] as string} ${vals.at(-1) as string}`;
  else d[slot.name] = vals.at(-1);
}

const KWARG_EQUALS = /^--([^=]+)=([^\n]+)/;
const KWARG_SPACE = /^--([^=]+)/;
const LEGACY_FLAGS = new Set([
  '--yes-i-really-mean-it',
  '--yes-i-really-really-mean-it',
  '--yes-i-really-really-mean-it-not-faking',
  '--force',
]);

const err = (kind: ArgumentError['kind'], message: string): never => {
  throw new ArgumentError(kind, message);
};

/**
 * Ceph's `validate(args, signature)`: walks the descriptors in order, taking positional words and `--name value`,
 * `--name=value`, `--flag` keyword forms; returns the command dict or throws an {@link ArgumentError}.
 */
export function validateWords(words: readonly string[], sig: CommandSignature): CommandDict {
  const myargs = [...words];
  const slots = slotsOf(sig);
  const reqsiglen = slots.filter((s) => s.req).length;
  let matchcnt = 0;
  const d: Record<string, unknown> = {};
  const byName = new Map(slots.filter((s) => s.arg !== null).map((s) => [s.name, s]));
  // `injectargs` (the legacy way to change daemon config) takes "--" words as values
  const injectargs = myargs[0] === 'injectargs';

  for (const desc of slots) {
    // as in Ceph, the count restarts here even if a keyword form already filled this descriptor
    desc.numseen = 0;
    while (desc.numseen < desc.n) {
      const myarg = myargs.length > 0 ? myargs.shift()! : null;
      if (myarg === null) {
        if (!desc.req) break;
        // did we already get this argument (as a keyword argument, earlier)?
        if (desc.name in d) break;
      }

      if (myarg) {
        let kwargDesc: Slot | undefined;
        let kwargV = '';
        const eq = KWARG_EQUALS.exec(myarg);
        if (eq !== null) {
          kwargDesc = byName.get(eq[1]!.replace(/-/g, '_'));
          kwargV = eq[2]!;
        } else {
          const key = KWARG_SPACE.exec(myarg);
          if (key !== null) {
            kwargDesc = byName.get(key[1]!.replace(/-/g, '_'));
            if (kwargDesc !== undefined) {
              if (kwargDesc.arg!.type === 'CephBool') kwargV = 'true';
              else if (myargs.length > 0) kwargV = myargs.shift()!;
              else kwargDesc = undefined;
            }
          }
        }
        if (kwargDesc !== undefined) {
          const vals = validateOne(kwargV, kwargDesc, true);
          matchcnt += 1;
          storeArg(kwargDesc, vals, d);
          continue;
        }
      }

      if (!desc.positional) err('ArgumentValid', `Unexpected argument '${myarg}'`);

      // a leading "--" is not a positional value, except for a CephChoices and the legacy confirmation flags
      if (myarg?.startsWith('--')) {
        const isValue = desc.arg?.type === 'CephChoices' || LEGACY_FLAGS.has(myarg) || injectargs;
        if (!isValue) err('ArgumentValid', `Unexpected argument '${myarg}'`);
      }

      if (myarg === null) {
        // out of words for a required descriptor
        if (desc.N && desc.numseen < 1) {
          err('ArgumentNumber', `saw ${desc.numseen} of ${describeSlot(desc)}, expected at least 1`);
        } else if (!desc.N && desc.numseen < desc.n) {
          if (desc.numseen === 0 && desc.n === 1)
            err('ArgumentMissing', `missing required parameter ${describeSlot(desc)}`);
          err('ArgumentNumber', `saw ${desc.numseen} of ${describeSlot(desc)}, expected ${desc.n}`);
        }
        break;
      }

      let vals: ArgScalar[];
      try {
        vals = validateOne(myarg, desc, false);
      } catch (e) {
        if (e instanceof ArgumentError && !desc.req) {
          // not required: leave the word for the next descriptor
          myargs.unshift(myarg);
          break;
        }
        throw e;
      }
      matchcnt += 1;
      storeArg(desc, vals, d);
    }
  }

  // Ceph takes `--xy 1` alone (or one positional word) for an n=2 argument; its values must all be there
  for (const slot of slots) {
    const got = d[slot.name];
    if (isFixedList(slot) && Array.isArray(got) && got.length !== slot.n) {
      err('ArgumentNumber', `saw ${got.length} of ${describeSlot(slot)}, expected ${slot.n}`);
    }
  }
  if (matchcnt < reqsiglen) err('ArgumentTooFew', 'not enough arguments given');
  if (myargs.length > 0) err('ArgumentError', `unused arguments: ${pyListRepr(myargs)}`);
  return d as CommandDict;
}

function grade(sig: CommandSignature): number {
  return sig.prefix.length + sig.args.filter((a) => a.req).length;
}

/**
 * What the `ceph` CLI does with its words (`validate_command`): ranks every signature by how many required
 * descriptors the words match (a full match counting half a point more), tries the best ones with the fewest
 * required descriptors first, and answers the first that validates. A bad argument of a command that matched
 * ("right command") is `invalid` with Ceph's message; otherwise `no-match` with the (at most 10) best candidates in
 * table order. The signatures returned are the objects passed in.
 */
export function validateCommand(signatures: readonly CommandSignature[], words: readonly string[]): ValidateResult {
  let best = 0;
  let bestcmds: CommandSignature[] = [];
  for (const sig of signatures) {
    let matched = matchCount(words, sig, true);
    // prefer those fully matched over partial matches
    if (matched >= Math.floor(best) && matched === matchCount(words, sig, false)) matched += 0.5;
    if (matched < best) continue;
    if (matched > best) {
      best = matched;
      bestcmds = [sig];
    } else bestcmds.push(sig);
  }

  // fewest required descriptors first (a stable sort, as Python's)
  const sorted = [...bestcmds].sort((a, b) => grade(a) - grade(b));
  let found: CommandSignature | null = null;
  let ex: ArgumentError | null = null;
  let valid: CommandDict | null = null;
  for (const sig of sorted) {
    try {
      valid = validateWords(words, sig);
      found = sig;
      break;
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
      if (e.kind === 'ArgumentPrefix' || e.kind === 'ArgumentTooFew') continue;
      ex = e;
      if (e.kind === 'ArgumentMissing') {
        if (bestcmds.length === 1) found = sig;
        break;
      }
      found = sig;
      break;
    }
  }

  if (found !== null) {
    if (valid !== null && Object.keys(valid).length > 0) return { ok: true, cmd: valid, signature: found };
    return { ok: false, kind: 'invalid', error: ex?.message ?? 'invalid command', signature: found };
  }
  return { ok: false, kind: 'no-match', closest: bestcmds.slice(0, 10) };
}

function convert(arg: ArgDesc, v: unknown): ArgScalar {
  if (arg.type === 'CephBool' && typeof v === 'boolean') return v;
  // The mgr takes any string a raw client sends; only the CLI refuses non-ASCII words (Ceph's CLI does).
  if (arg.type === 'CephString' && !arg.goodchars && typeof v === 'string') return v;
  return validateWord(arg, wordOf(arg, v));
}

function missing(arg: ArgDesc): string {
  if (arg.n === 'N') return `saw 0 of ${describeArg(arg)}, expected at least 1`;
  if (arg.n === 1) return `missing required parameter ${describeArg(arg)}`;
  return `saw 0 of ${describeArg(arg)}, expected ${arg.n}`;
}

/**
 * Checks a JSON command dict as a raw client sends it (values strings, numbers, booleans or lists) against one
 * signature, with the same type rules as words: each declared argument is checked and converted, a missing (or
 * null) required one is an error, undeclared keys are ignored and left out of the result, and `prefix` must equal
 * the signature's (otherwise `no-match`). Lists are taken element by element, never split at commas; an `n=N`
 * argument given one value becomes a one-element list, an `n=<k>` one needs exactly k values.
 */
export function validateDict(signature: CommandSignature, cmd: Record<string, unknown>): ValidateResult {
  const prefix = signature.prefix.join(' ');
  if (cmd.prefix !== prefix) return { ok: false, kind: 'no-match', closest: [signature] };
  const out: CommandDict = { prefix };
  const invalid = (error: string): ValidateResult => ({ ok: false, kind: 'invalid', error, signature });
  for (const arg of signature.args) {
    const raw = Object.hasOwn(cmd, arg.name) ? cmd[arg.name] : undefined;
    if (raw === undefined || raw === null) {
      if (arg.req) return invalid(missing(arg));
      continue;
    }
    try {
      let value: ArgValue;
      if (arg.n === 'N') {
        const items = Array.isArray(raw) ? raw : [raw];
        if (items.length === 0 && arg.req) return invalid(missing(arg));
        value = items.map((x) => convert(arg, x));
      } else if (arg.n === 1) {
        if (Array.isArray(raw) && raw.length !== 1) {
          return invalid(`saw ${raw.length} of ${describeArg(arg)}, expected 1`);
        }
        value = convert(arg, Array.isArray(raw) ? raw[0] : raw);
      } else {
        const items = Array.isArray(raw) ? raw : [raw];
        if (items.length !== arg.n) return invalid(`saw ${items.length} of ${describeArg(arg)}, expected ${arg.n}`);
        value = items.map((x) => convert(arg, x));
      }
      out[arg.name] = value;
    } catch (e) {
      if (e instanceof ArgumentError) return invalid(e.message);
      throw e;
    }
  }
  return { ok: true, cmd: out, signature };
}
