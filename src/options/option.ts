/** The option types Ceph's `Option` declares. */
export const OPTION_TYPES = ['str', 'int', 'uint', 'float', 'bool', 'secs', 'size', 'addr', 'uuid'] as const;
/** One of {@link OPTION_TYPES}: how an option's value is checked and converted. */
export type OptionType = (typeof OPTION_TYPES)[number];

/** A module option, with Ceph's fields. */
export interface Option {
  readonly name: string;
  readonly type?: OptionType;
  readonly default?: string | number | boolean | null;
  readonly min?: number;
  readonly max?: number;
  readonly enum_allowed?: readonly string[];
  readonly desc?: string;
  readonly long_desc?: string;
  readonly tags?: readonly string[];
  readonly see_also?: readonly string[];
  readonly runtime?: boolean;
}

/** Declares a module option (Ceph's `Option(...)`); the fields are checked when the module loads. */
export function Option(spec: Option): Option {
  return Object.freeze({ type: 'str', ...spec });
}

/** The options Ceph adds to every module. */
export const COMMON_OPTIONS: readonly Option[] = [
  Option({
    name: 'log_level',
    type: 'str',
    default: '',
    enum_allowed: ['', 'critical', 'error', 'warning', 'info', 'debug'],
  }),
  Option({ name: 'log_to_file', type: 'bool', default: false }),
  Option({ name: 'log_to_cluster', type: 'bool', default: false }),
  Option({
    name: 'log_to_cluster_level',
    type: 'str',
    default: 'info',
    enum_allowed: ['', 'critical', 'error', 'warning', 'info', 'debug'],
  }),
];

/** Whether a stored bool option's text is true, by Ceph's rule: only `1`, `true`, `True`, `on`, `yes` are. */
export function isTrueText(text: string): boolean {
  return ['1', 'true', 'True', 'on', 'yes'].includes(text);
}

/**
 * A stored option value (always text, as Ceph keeps it) as the option's type, by Ceph's rules: integers (`0x`
 * accepted) for int, uint and size; a float for secs and float; a bool true only for `1`, `true`, `True`, `on`, `yes`.
 */
export function parseOptionValue(option: Option, text: string): string | number | boolean {
  switch (option.type ?? 'str') {
    case 'int':
    case 'uint':
    case 'size':
      return /^[+-]?0x/i.test(text.trim())
        ? Number.parseInt(text.trim().replace(/^([+-]?)0x/i, '$1'), 16)
        : Number.parseInt(text, 10);
    case 'secs':
    case 'float':
      return Number.parseFloat(text);
    case 'bool':
      return isTrueText(text);
    default:
      return text;
  }
}

/** A declared default as Ceph hands it out: typed like a stored value (a default given as text is parsed). */
export function typedDefault(option: Option): string | number | boolean | null {
  const d = option.default;
  if (d === undefined || d === null) return null;
  return typeof d === 'string' && (option.type ?? 'str') !== 'str' ? parseOptionValue(option, d) : d;
}
