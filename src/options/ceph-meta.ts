/** The daemon a config is expanded for: what Ceph's `$cluster`, `$type`, `$id`, `$name` and `$host` stand for. */
export interface CephEntity {
  readonly cluster: string;
  readonly type: string;
  readonly id: string;
  /** The daemon's short host name; `$host` stays as written when neither this nor the `host` option is known. */
  readonly host?: string;
}

/** An option's current value before expansion, with its type (only `str` values are expanded). */
export interface RawOptionValue {
  readonly type: string;
  readonly value: string;
}

/** What expansion needs besides the text: whose config it is, and the other options' values. */
export interface ExpandContext {
  readonly entity: CephEntity;
  /** The option `$data_dir` stands for (`mgr_data` for a manager). */
  readonly dataDirOption: string;
  readonly lookup: (name: string) => RawOptionValue | undefined;
}

// Ceph's `valid_chars`: a variable name is lower-case letters and underscores only.
const VALID = /[a-z_]/;

function scan(text: string, from: number): number {
  let i = from;
  while (i < text.length && VALID.test(text[i]!)) i++;
  return i;
}

/**
 * Expands `$var` and `${var}` in an option's text as `md_config_t::_expand_meta` does: the entity's names, `$host`,
 * `$data_dir`, and any other option's value (itself expanded; a loop gives `$<option>`). Unknown names stay as
 * written, and so do `$pid`, `$cctid` and `$home`, which name things of a process this host does not have.
 *
 * @param self the option whose value `text` is, so a loop through it is caught.
 */
export function expandCephMeta(text: string, ctx: ExpandContext, self?: string, stack: readonly string[] = []): string {
  if (!text.includes('$')) return text;
  const inner = self === undefined ? stack : [...stack, self];
  let out = '';
  let last: number | null = 0;
  let pos = text.indexOf('$');
  while (pos >= 0 && last !== null) {
    out += text.slice(last, pos);
    let name = '';
    let end: number | null;
    if (text[pos + 1] === '{') {
      const stop = scan(text, pos + 2);
      end = stop < text.length ? stop : null;
      if (end !== null && text[end] === '}') {
        name = text.slice(pos + 2, end);
        end++;
      }
    } else {
      const stop = scan(text, pos + 1);
      name = text.slice(pos + 1, stop);
      end = stop < text.length ? stop : null;
    }
    last = end;
    if (name === '') out += '$';
    else {
      const value = metaValue(name, ctx, inner);
      if (value.loop) return value.text;
      out += value.text ?? text.slice(pos, end ?? text.length);
    }
    pos = end === null ? -1 : text.indexOf('$', end);
  }
  if (last !== null) out += text.slice(last);
  return out;
}

/** A variable's text (undefined: leave it as written), or, for a loop, the text the whole value becomes. */
type MetaValue =
  | { readonly text: string | undefined; readonly loop?: false }
  | { readonly text: string; readonly loop: true };

function metaValue(name: string, ctx: ExpandContext, stack: readonly string[]): MetaValue {
  const e = ctx.entity;
  switch (name) {
    case 'type':
      return { text: e.type };
    case 'cluster':
      return { text: e.cluster };
    case 'name':
      return { text: `${e.type}.${e.id}` };
    case 'id':
    case 'num':
      return { text: e.id };
    case 'host': {
      const set = ctx.lookup('host')?.value;
      return { text: set !== undefined && set !== '' ? set : e.host };
    }
    case 'pid':
    case 'cctid':
    case 'home':
      return { text: undefined };
  }
  const option = name === 'data_dir' ? ctx.dataDirOption : name;
  const raw = ctx.lookup(option);
  if (raw === undefined) return { text: undefined };
  if (stack.includes(option)) return { text: `$${option}`, loop: true };
  return { text: raw.type === 'str' ? expandCephMeta(raw.value, ctx, option, stack) : raw.value };
}
