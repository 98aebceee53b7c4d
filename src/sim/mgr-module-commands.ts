import { constants } from 'node:os';
import type { CephadmState } from './cephadm-state.ts';
import type { CrashReport, CrashReports } from './crash-reports.ts';
import type { CommandResult } from './mon-commands.ts';
import type { MonCommand } from './scenario.ts';

const { EINVAL, ENOENT } = constants.errno;

/** The commands of the simulated manager's modules (crash, devicehealth, cephadm) that change something. */
export const MGR_MODULE_WRITE_PREFIXES: ReadonlySet<string> = new Set([
  'crash archive',
  'crash archive-all',
  'device check-health',
  'orch pause',
  'orch resume',
  'orch upgrade start',
  'orch upgrade stop',
  'orch daemon restart',
]);

/** What the manager's module commands act on. */
export interface MgrModuleTarget {
  readonly now: number;
  readonly crashes: CrashReports;
  readonly cephadm: CephadmState;
  /** devicehealth's `check_health` pass, now. */
  checkDeviceHealth(): void;
  /** `device ls` as JSON: the OSDs' devices, with the life expectancy of those predicted to fail. */
  devices(): Array<Record<string, unknown>>;
  /** cephadm restarts daemon `name`: its host, or undefined when there is no such daemon. */
  restartDaemon(name: string): string | undefined;
  /** The exception an upgrade to `image` hits at its first pass. */
  upgradeException(image: string): string;
}

const ok = (outb = '', outs = ''): CommandResult => ({ retval: 0, outb, outs });
const fail = (errno: number, outs: string): CommandResult => ({ retval: -errno, outb: '', outs });
const str = (cmd: MonCommand, key: string) => (typeof cmd[key] === 'string' ? (cmd[key] as string) : undefined);

/** Python's `str.center`: the extra space goes right when the padding is odd and the text even, as CPython does. */
function center(text: string, width: number): string {
  const pad = width - text.length;
  if (pad <= 0) return text;
  const left = Math.floor(pad / 2) + (pad & width & 1);
  return ' '.repeat(left) + text + ' '.repeat(pad - left);
}

/** `crash ls` as the crash module prints it: JSON with a JSON format, else PrettyTable without borders. */
function crashTable(reports: readonly CrashReport[], format: string | undefined): string {
  if (format === 'json' || format === 'json-pretty') return JSON.stringify(reports, null, 4);
  const rows = [
    ['ID', 'ENTITY', 'NEW'],
    ...reports.map((r) => [
      String(r.crash_id),
      String(r.entity_name ?? 'unknown'),
      r.archived === undefined ? '*' : '',
    ]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  // ID and ENTITY aligned left, NEW centred; each cell followed by its right padding of 2.
  const cell = (c: string, i: number) => `${i === 2 ? center(c, widths[i]!) : c.padEnd(widths[i]!)}  `;
  return rows.map((row) => row.map(cell).join('')).join('\n');
}

/**
 * Answers a command of the simulated manager's crash, devicehealth or cephadm module (and its `device ls`), with
 * their outputs and errors; undefined when `cmd` is none of theirs. `device ls` answers JSON whatever the format.
 */
export function runMgrModuleCommand(t: MgrModuleTarget, cmd: MonCommand): CommandResult | undefined {
  const format = str(cmd, 'format');
  switch (cmd.prefix) {
    case 'crash ls':
    case 'crash ls-new':
      return ok(crashTable(t.crashes.list(cmd.prefix === 'crash ls-new'), format));
    case 'crash info': {
      const id = str(cmd, 'id') ?? '';
      const r = t.crashes.info(id);
      return r === undefined ? fail(EINVAL, `crash info: ${id} not found`) : ok(JSON.stringify(r, null, 4));
    }
    case 'crash archive': {
      const id = str(cmd, 'id') ?? '';
      return t.crashes.archive(id, t.now) ? ok() : fail(EINVAL, `crash info: ${id} not found`);
    }
    case 'crash archive-all':
      t.crashes.archiveAll(t.now);
      return ok();
    case 'device ls':
      return ok(JSON.stringify(t.devices(), null, format === 'json-pretty' ? 4 : undefined));
    case 'device check-health':
      t.checkDeviceHealth();
      return ok();
    case 'orch pause':
    case 'orch resume':
      t.cephadm.paused = cmd.prefix === 'orch pause';
      return ok();
    case 'orch upgrade start': {
      const image = str(cmd, 'image');
      if (image === undefined) return fail(EINVAL, 'Invalid command: missing required parameter image(<string>)');
      t.cephadm.startUpgrade(image, t.now, t.upgradeException(image));
      return ok(`Initiating upgrade to ${image}`);
    }
    case 'orch upgrade status':
      return ok(JSON.stringify(t.cephadm.upgradeStatus(t.now), null, 4));
    case 'orch upgrade stop': {
      const image = t.cephadm.stopUpgrade();
      return ok(image === undefined ? 'No upgrade in progress' : `Stopped upgrade to ${image}`);
    }
    case 'orch daemon restart': {
      const name = str(cmd, 'name') ?? '';
      const host = t.restartDaemon(name);
      return host === undefined
        ? fail(ENOENT, `Unable to find ${name} daemon(s)`)
        : ok(`Scheduled to restart ${name} on host '${host}'`);
    }
    default:
      return undefined;
  }
}
