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
 * A module's logger: a child of the root logger carrying the module's name, or, with `log_to_file`, a logger of
 * its own writing only to `<daemon log file>.<module>.log`.
 */
export function createModuleLogger(root: Logger, module: string, level: ModuleLogLevel, toFile: string | null): Logger {
  if (toFile !== null) {
    return pino(
      { level: pinoLevel(level), base: { daemon: 'mgrkit', module } },
      pino.destination({ dest: toFile, sync: true, mkdir: true }),
    );
  }
  return root.child({ module }, { level: pinoLevel(level) });
}
