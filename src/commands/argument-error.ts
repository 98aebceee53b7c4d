/** The exception classes of `ceph_argparse`; `validate_command` tells them apart. */
export type ArgumentErrorKind =
  | 'ArgumentError'
  | 'ArgumentNumber'
  | 'ArgumentFormat'
  | 'ArgumentMissing'
  | 'ArgumentValid'
  | 'ArgumentTooFew'
  | 'ArgumentPrefix';

/** A word (or a command) that does not fit its signature; `message` is Ceph's text. */
export class ArgumentError extends Error {
  readonly kind: ArgumentErrorKind;

  constructor(kind: ArgumentErrorKind, message: string) {
    super(message);
    this.name = kind;
    this.kind = kind;
  }
}

/** Throws an {@link ArgumentError}: the checks' way to refuse a word. */
export function fail(kind: ArgumentErrorKind, message: string): never {
  throw new ArgumentError(kind, message);
}
