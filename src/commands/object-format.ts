import { constants } from 'node:os';
import { MgrError } from '../errors.ts';
import { type CommandTuple, HandleCommandResult } from './result.ts';
import { yamlStringify as toYaml } from './yaml-stringify.ts';

const EINVAL = constants.errno.EINVAL;

/** The formats Ceph's `object_format` knows; `xml` ones are known but not produced. */
export const FORMATS = ['json', 'json-pretty', 'yaml', 'plain', 'xml', 'xml-pretty'] as const;
export type Format = (typeof FORMATS)[number];

/** The base of every error a command can raise to answer with a result instead of a traceback. */
export class ErrorResponseBase extends Error {
  format_response(): CommandTuple {
    throw new MgrError('MGR_ERR_COMMAND_FAILED', 'ErrorResponseBase.format_response is abstract');
  }
}

/** An error answer: `(return_value, "", status)`; `return_value` defaults to `-EINVAL`. */
export class ErrorResponse extends ErrorResponseBase {
  readonly status: string;
  readonly return_value: number;

  constructor(status: string, return_value?: number) {
    super(status);
    this.name = 'ErrorResponse';
    this.status = status;
    this.return_value = return_value ?? -EINVAL;
  }

  /** The errno, positive. */
  get errno(): number {
    return Math.abs(this.return_value);
  }

  mgr_return_value(): number {
    return this.return_value;
  }

  override format_response(): CommandTuple {
    return [this.return_value, '', this.status];
  }

  /**
   * An error as an answer: its message, and its errno (made negative; 0 stays 0; `-EINVAL` when it has none). An
   * `ErrorResponseBase` is returned as it is.
   */
  static wrap(err: unknown, return_value?: number): ErrorResponseBase {
    if (err instanceof ErrorResponseBase) return err;
    const message = err instanceof Error ? err.message : String(err);
    let rv = return_value;
    if (rv === undefined) {
      const e = (err as { errno?: unknown } | null)?.errno;
      if (typeof e === 'number' && Number.isInteger(e)) rv = e > 0 ? -e : e;
      else rv = -EINVAL;
    }
    const wrapped = new ErrorResponse(message, rv);
    wrapped.cause = err;
    return wrapped;
  }
}

/** A format name that is not one of {@link FORMATS}. */
export class UnknownFormat extends ErrorResponseBase {
  readonly format: string;
  constructor(format: string) {
    super(`Unknown format name: ${format}`);
    this.format = format;
  }
  override format_response(): CommandTuple {
    return [-EINVAL, '', `Unknown format name: ${this.format}`];
  }
}

/** A known format this result cannot be given in. */
export class UnsupportedFormat extends ErrorResponseBase {
  readonly format: string;
  constructor(format: string) {
    super(`Unsupported format: ${format}`);
    this.format = format;
  }
  override format_response(): CommandTuple {
    return [-EINVAL, '', `Unsupported format: ${this.format}`];
  }
}

function simplified(obj: unknown): unknown {
  const to = (obj as { to_simplified?: unknown } | null)?.to_simplified;
  return typeof to === 'function' ? to.call(obj) : obj;
}

function sortKeys(_k: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, (v as Record<string, unknown>)[k]]),
  );
}

/**
 * Renders a command's return value in `format`, as Ceph's object formatter does: JSON with sorted keys and a 2-space
 * indent (json-pretty is the same), YAML block style with sorted keys, `plain` for text (a string result, or an
 * object with `to_plain()`); objects with `to_simplified()` are simplified first.
 */
export function formatObject(obj: unknown, format: string | undefined): string {
  const f = format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(f)) throw new UnknownFormat(f);
  const plain = (obj as { to_plain?: unknown } | null)?.to_plain;
  if (f === 'plain') {
    if (typeof plain === 'function') return String(plain.call(obj));
    if (typeof obj === 'string') return obj;
    throw new UnsupportedFormat(f);
  }
  const data = simplified(obj);
  if (f === 'json' || f === 'json-pretty') return JSON.stringify(data ?? null, sortKeys, 2);
  if (f === 'yaml')
    return toYaml(data ?? null, {
      sortMapEntries: true,
      indentSeq: false,
      singleQuote: true,
      aliasDuplicateObjects: false,
    });
  throw new UnsupportedFormat(f);
}

function returnValue(obj: unknown): number {
  const f = (obj as { mgr_return_value?: unknown } | null)?.mgr_return_value;
  return typeof f === 'function' ? Number(f.call(obj)) : 0;
}

function statusValue(obj: unknown): string {
  const f = (obj as { mgr_status_value?: unknown } | null)?.mgr_status_value;
  return typeof f === 'function' ? String(f.call(obj)) : '';
}

type Handler = (this: unknown, ...args: never[]) => unknown;

/** Marks a handler wrapped by `Responder`, so the command gets a `format` argument. */
export const RESPONDER = Symbol('mgrkit.responder');

/**
 * Method decorator: the handler returns plain data; the command answers it formatted in the requested `format`
 * (json by default), with `ErrorResponse`s turned into results. The format is checked before the handler runs.
 *
 * @example
 * ```ts
 * @CLIReadCommand('wormhole list')
 * @Responder()
 * list_wormholes() { return { wormholes: ['a', 'b'] }; }
 * ```
 */
export function Responder() {
  return <F extends Handler>(fn: F, _ctx: ClassMethodDecoratorContext): F => {
    const wrapped = async function (this: unknown, args: Record<string, unknown> = {}, ...rest: unknown[]) {
      const { format, ...others } = args;
      try {
        // Only the name is checked here: whether this result has a plain form is known once there is a result.
        if (format !== undefined && !(FORMATS as readonly unknown[]).includes(format))
          throw new UnknownFormat(String(format));
        const obj = await (fn as unknown as (...a: unknown[]) => unknown).call(this, others, ...rest);
        return new HandleCommandResult(
          returnValue(obj),
          formatObject(obj, format as string | undefined),
          statusValue(obj),
        );
      } catch (e) {
        if (e instanceof ErrorResponseBase) return new HandleCommandResult(...e.format_response());
        throw e;
      }
    };
    Object.defineProperty(wrapped, RESPONDER, { value: true });
    return wrapped as unknown as F;
  };
}

/** Method decorator for handlers that return `[retval, out, err]` themselves: only `ErrorResponse`s are converted. */
export function ErrorResponseHandler() {
  return <F extends Handler>(fn: F, _ctx: ClassMethodDecoratorContext): F => {
    const wrapped = async function (this: unknown, ...args: unknown[]) {
      try {
        return await (fn as unknown as (...a: unknown[]) => unknown).apply(this, args);
      } catch (e) {
        if (e instanceof ErrorResponseBase) return new HandleCommandResult(...e.format_response());
        throw e;
      }
    };
    return wrapped as unknown as F;
  };
}

/** Method decorator for commands that print nothing on success; the handler must return nothing. */
export function EmptyResponder() {
  return <F extends Handler>(fn: F, _ctx: ClassMethodDecoratorContext): F => {
    const wrapped = async function (this: unknown, ...args: unknown[]) {
      let r: unknown;
      try {
        r = await (fn as unknown as (...a: unknown[]) => unknown).apply(this, args);
      } catch (e) {
        if (e instanceof ErrorResponseBase) return new HandleCommandResult(...e.format_response());
        throw e;
      }
      if (r !== undefined && r !== null)
        throw new MgrError('MGR_ERR_COMMAND_FAILED', 'EmptyResponder expects nothing from wrapped functions');
      return new HandleCommandResult(0, '', '');
    };
    return wrapped as unknown as F;
  };
}
