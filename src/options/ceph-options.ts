import table from './ceph-option-defaults.json' with { type: 'json' };

/** Ceph's option types (`Option::type_t`), named as `config help` names them. */
export const CEPH_OPTION_TYPES = [
  'str',
  'int',
  'uint',
  'float',
  'bool',
  'size',
  'secs',
  'millisecs',
  'addr',
  'addrvec',
  'uuid',
] as const;
export type CephOptionType = (typeof CEPH_OPTION_TYPES)[number];

/** One of Ceph's own options, as a Pacific manager has it. */
export interface CephOption {
  readonly name: string;
  readonly type: CephOptionType;
  /** The default as Ceph prints it, metavariables unexpanded (`$run_dir/$cluster-$name.asok`). */
  readonly default: string;
  /** Set only from the daemon's own config file or command line: the monitors' central config is ignored for it. */
  readonly noMonUpdate: boolean;
}

function load(): ReadonlyMap<string, CephOption> {
  const out = new Map<string, CephOption>();
  for (const [name, entry] of Object.entries(table.options as Record<string, readonly string[]>)) {
    const [type, value, flag] = entry;
    if (!(CEPH_OPTION_TYPES as readonly string[]).includes(type!) || value === undefined) {
      throw new Error(`ceph-option-defaults.json: bad entry for ${name}`);
    }
    out.set(
      name,
      Object.freeze({ name, type: type as CephOptionType, default: value, noMonUpdate: flag !== undefined }),
    );
  }
  return out;
}

/**
 * Every option of Ceph Pacific 16.2.15 as its manager sees it (daemon defaults applied), in Ceph's order (by name).
 * The data is generated from a real ceph-mgr by scripts/gen-ceph-option-defaults.ts.
 *
 * @example
 * ```ts
 * CEPH_OPTIONS.get('mon_max_pg_per_osd'); // {name, type: 'uint', default: '250', noMonUpdate: false}
 * ```
 */
export const CEPH_OPTIONS: ReadonlyMap<string, CephOption> = load();
