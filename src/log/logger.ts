import pino, { type Logger } from 'pino';

/** Ceph's module log levels (the `log_level` option), and pino's names for them. */
export const MODULE_LOG_LEVELS = ['critical', 'error', 'warning', 'info', 'debug'] as const;
export type ModuleLogLevel = (typeof MODULE_LOG_LEVELS)[number];

const PINO_LEVEL: Record<ModuleLogLevel, pino.Level> = {
  critical: 'fatal',
  error: 'error',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
};

/**
 * The module log level a daemon debug level (`debug_mgr`, e.g. `"2/5"`: the first number counts) maps to, as the
 * Ceph mgr module guide maps it: <= 0 critical, <= 1 warning, <= 4 info, else debug.
 */
export function levelForDebug(debug: string | number): ModuleLogLevel {
  const n = typeof debug === 'number' ? debug : Number.parseInt(String(debug).split('/')[0] ?? '', 10);
  if (!Number.isFinite(n)) return 'info';
  if (n <= 0) return 'critical';
  if (n <= 1) return 'warning';
  if (n <= 4) return 'info';
  return 'debug';
}

export function pinoLevel(level: ModuleLogLevel): pino.Level {
  return PINO_LEVEL[level];
}

export interface HostLogOptions {
  /** The daemon's log file; `-` or undefined logs to stderr. */
  readonly file?: string;
}

/** The host's root logger. Writes are asynchronous-safe: `sync` destinations so a crash loses no line. */
export function createRootLogger(options: HostLogOptions = {}): Logger {
  const dest =
    options.file === undefined || options.file === '-'
      ? pino.destination({ dest: 2, sync: true })
      : pino.destination({ dest: options.file, sync: true, mkdir: true });
  return pino({ level: 'trace', base: { daemon: 'mgrkit' } }, dest);
}

/**
 * Python logging's method names, beside pino's, so a module ported from Ceph calls what it knows: `warning` is
 * pino's `warn`, `critical` its `fatal`, and `exception` logs an error with its stack (`err`) at error level.
 */
export interface PythonLogNames {
  /** Python's `warning`: pino's `warn`. */
  warning: pino.LogFn;
  /** Python's `critical`: pino's `fatal`. */
  critical: pino.LogFn;
  /**
   * Python's `exception`: logs at error level with the error and its stack under `err`. Takes the error first
   * (`this.log.exception(e, 'scrape failed')`), or a message alone, or pino's `(object, message)`.
   */
  exception(err: unknown, msg?: string, ...args: unknown[]): void;
}

/** A module's `this.log`: pino's logger with Python logging's names too, as are the children made from it. */
export interface ModuleLogger extends Logger, PythonLogNames {
  child<ChildCustomLevels extends string = never>(
    bindings: pino.Bindings,
    options?: pino.ChildLoggerOptions<ChildCustomLevels>,
  ): Logger<ChildCustomLevels> & PythonLogNames;
}

/** Adds Python logging's names to a pino logger (and to every child made from it). */
export function withPythonNames(log: Logger): ModuleLogger {
  const l = log as ModuleLogger;
  Object.defineProperties(l, {
    warning: { value: (...a: Parameters<pino.LogFn>) => l.warn(...a), configurable: true },
    critical: { value: (...a: Parameters<pino.LogFn>) => l.fatal(...a), configurable: true },
    exception: {
      value: (err: unknown, msg?: string, ...args: unknown[]) => {
        if (typeof err === 'string') (l.error as (...a: unknown[]) => void)(err, msg, ...args);
        else if (err instanceof Error) l.error({ err }, msg ?? err.message, ...args);
        else l.error(err as object, msg, ...args);
      },
      configurable: true,
    },
  });
  // pino's own `child` (a child inherits its parent's wrapper, which must not make the parent's children).
  const own = ((l.child as { [PINO_CHILD]?: Logger['child'] })[PINO_CHILD] ?? l.child) as Logger['child'];
  const wrapper = (...a: Parameters<Logger['child']>) => withPythonNames(own.apply(l, a) as unknown as Logger);
  Object.defineProperty(wrapper, PINO_CHILD, { value: own });
  Object.defineProperty(l, 'child', { value: wrapper, configurable: true });
  return l;
}

const PINO_CHILD = Symbol('pino child');

const { streamSym } = pino.symbols;

/**
 * A module's logger: a child of the root logger carrying the module's name, with Python logging's names. With
 * `toFile` it writes only to that file (`<daemon log file>.<module>.log`); `setModuleLogFile` switches it either way
 * while the module runs, as Ceph applies `log_to_file` at once.
 */
export function createModuleLogger(
  root: Logger,
  module: string,
  level: ModuleLogLevel,
  toFile: string | null,
): ModuleLogger {
  const log = withPythonNames(root.child({ module }, { level: pinoLevel(level) }));
  setModuleLogFile(log, toFile);
  return log;
}

/** Where a module's lines go besides the log: Ceph's `log_to_cluster`, lines of at least `level` (pino's number). */
export interface ClusterLogSink {
  readonly level: number;
  /** Called with each line's pino level and message; must not log to this logger (it would be sent again). */
  send(level: number, msg: string): void;
}

interface Sinks {
  file: string | null;
  dest: pino.DestinationStream | null;
  cluster: ClusterLogSink | null;
}

const sinks = new WeakMap<Logger, Sinks>();

/**
 * Sets the logger's own stream from its sinks: the file's destination or the parent's, and, with a cluster sink, a
 * stream that writes there and hands each line of the sink's level and up to it. Without either, the logger's own
 * stream is removed, so lines go to the parent's (the root logger's) destination again.
 */
function applySinks(log: Logger, s: Sinks): void {
  const own = log as unknown as Record<symbol, unknown>;
  if (s.dest === null && s.cluster === null) {
    delete own[streamSym];
    sinks.delete(log);
    return;
  }
  sinks.set(log, s);
  const base = s.dest ?? (Object.getPrototypeOf(log) as Record<symbol, pino.DestinationStream>)[streamSym]!;
  if (s.cluster === null) {
    own[streamSym] = base;
    return;
  }
  const cluster = s.cluster;
  own[streamSym] = {
    write(line: string) {
      base.write(line);
      const { level, msg } = JSON.parse(line) as { level: number; msg?: unknown };
      if (level >= cluster.level) cluster.send(level, typeof msg === 'string' ? msg : '');
    },
    flushSync: () => (base as { flushSync?: () => void }).flushSync?.(),
    flush: (cb?: (err?: Error) => void) => (base as { flush?: (cb?: unknown) => void }).flush?.(cb),
  };
}

/**
 * Points a module's logger (and its children) at `file`, or back at the root logger's destination with null. The
 * next line goes where it now points.
 */
export function setModuleLogFile(log: Logger, file: string | null): void {
  const current = sinks.get(log) ?? { file: null, dest: null, cluster: null };
  if (current.file === file) return;
  const old = current.dest;
  const dest = file === null ? null : pino.destination({ dest: file, sync: true, mkdir: true });
  applySinks(log, { ...current, file, dest });
  (old as { end?: () => void } | null)?.end?.();
}

/**
 * Also hands the logger's lines (its children's too) of the sink's level and up to `sink`, or stops with null:
 * Ceph's `log_to_cluster`. Only lines the logger writes reach it, so those below its level never do.
 */
export function setModuleClusterLog(log: Logger, sink: ClusterLogSink | null): void {
  const current = sinks.get(log) ?? { file: null, dest: null, cluster: null };
  if (current.cluster === null && sink === null) return;
  applySinks(log, { ...current, cluster: sink });
}

/** The file a module's logger writes to, or null when it writes to the root logger's destination. */
export function moduleLogFile(log: Logger): string | null {
  return sinks.get(log)?.file ?? null;
}
