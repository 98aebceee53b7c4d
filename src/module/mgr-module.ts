import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { NotifyType } from '../bus/notify-types.ts';
import type { LibCephFS } from '../cephfs/lib-cephfs.ts';
import type { CommandTarget } from '../cluster/cluster-commander.ts';
import { type CommandTuple, errorResult, HandleCommandResult } from '../commands/result.ts';
import type { CommandDict } from '../commands/validate.ts';
import { MgrError } from '../errors.ts';
import type { ModuleHealthCheck } from '../health/health-checks.ts';
import { ClusterLogPrio, type ClusterLogPriority } from '../log/cluster-log.ts';
import type { Rados } from '../rados/rados.ts';
import type { CounterSample } from '../state/cluster-state.ts';
import type { GetName, GetResult } from '../state/views/index.ts';
import type { Accessors } from './accessors.ts';
import { lookupReleaseName } from './ceph-releases.ts';
import { CommandResult, MonCommandFailed } from './command-result.ts';
import { commandSession } from './command-session.ts';
import { ModuleBase } from './module-base.ts';
import type { ProgressEventInfo } from './module-services.ts';
import type { OsdPerfCounters } from './osd-perf-queries.ts';
import type { OSDMap } from './osdmap.ts';
import type { PastState } from './past-state.ts';
import { prettyHeader, prettyRow, toPrettyIec } from './pretty-table.ts';
import { toolExec } from './tool-exec.ts';

/** One entry of `static COMMANDS`, as Ceph's modules write them. */
export interface CommandDeclaration {
  readonly cmd: string;
  readonly desc?: string;
  readonly perm?: 'r' | 'w' | 'rw';
  readonly poll?: boolean;
}

/** The `notify` id: `""`, or the log entry for `clog`. */
export type NotifyId = string | ClogEntry;

/**
 * The base of every module: subclass it as `export class Module extends MgrModule` in `modules/<name>/module.ts`.
 * Method names are Ceph's, so a ceph-mgr module author finds what they know.
 *
 * @example
 * ```ts
 * import { MgrModule, type NotifyType } from 'mgrkit';
 * export class Module extends MgrModule {
 *   static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
 *   notify(type: NotifyType) {
 *     this.log.info({ epoch: this.get('osd_map')?.epoch }, 'new osd map');
 *   }
 * }
 * ```
 */
export abstract class MgrModule extends ModuleBase {
  /** The notifications this module wants; without it, none (and the host warns, as Ceph does). */
  static NOTIFY_TYPES?: readonly NotifyType[];

  /** Ceph's perf counter priorities, for `get_all_perf_counters(prio_limit)`. */
  static readonly PRIO_CRITICAL = 10;
  static readonly PRIO_INTERESTING = 8;
  static readonly PRIO_USEFUL = 5;
  static readonly PRIO_UNINTERESTING = 2;
  static readonly PRIO_DEBUGONLY = 0;

  /** Ceph's perf counter value and kind bits (a schema entry's `type`), and its units (`units`: BYTES or NONE). */
  static readonly PERFCOUNTER_TIME = 1;
  static readonly PERFCOUNTER_U64 = 2;
  static readonly PERFCOUNTER_LONGRUNAVG = 4;
  static readonly PERFCOUNTER_COUNTER = 8;
  static readonly PERFCOUNTER_HISTOGRAM = 0x10;
  static readonly PERFCOUNTER_TYPE_MASK = ~3;
  static readonly BYTES = 0;
  static readonly NONE = 1;

  /** The pool Ceph's managers keep their modules' databases in. */
  static readonly MGR_POOL_NAME = '.mgr';

  /** Ceph's `to_pretty_iec`: `20 Mi` for 20 MiB and a bit, `512 ` below ten KiB. */
  static to_pretty_iec(n: number): string {
    return toPrettyIec(n);
  }

  /** Ceph's `get_pretty_row`: a table row for a polling command, `width` split evenly between `elems`. */
  static get_pretty_row(elems: readonly string[], width: number): string {
    return prettyRow(elems, width);
  }

  /** Ceph's `get_pretty_header`: `get_pretty_row` between dashed lines, for a table's title. */
  get_pretty_header(elems: readonly string[], width: number): string {
    return prettyHeader(elems, width);
  }

  /** Ceph's cluster log priorities, for `cluster_log` (`MgrModule.ClusterLogPrio.WARN`). */
  static readonly ClusterLogPrio = ClusterLogPrio;

  /**
   * Commands declared Ceph's older way: descriptor strings (`"foobar name=myarg,type=CephString"`), answered by
   * `handle_command`. Decorated methods (`@CLICommand`) are the other way.
   */
  static COMMANDS?: readonly CommandDeclaration[];

  /** Whether the module can run here, and why not: a module that cannot is listed and never started. */
  static can_run(): [boolean, string] {
    return [true, ''];
  }

  constructor() {
    super('module');
  }

  /** A cue that state of `type` changed; read what you need through the accessors. */
  notify(_type: NotifyType, _id: NotifyId): void | Promise<void> {}

  /** One of this module's options changed. */
  config_notify(): void | Promise<void> {}

  /** Answers a command of `static COMMANDS`: `cmd` holds `prefix` and the validated arguments. */
  handle_command(
    _inbuf: string,
    cmd: CommandDict,
  ): CommandTuple | HandleCommandResult | Promise<CommandTuple | HandleCommandResult> {
    return errorResult(
      new MgrError('MGR_ERR_COMMAND_UNKNOWN', `${this.module_name} has no handle_command for "${cmd.prefix}"`),
    );
  }

  /** Cluster data by name, as ceph-mgr's `get()` returns it: the current snapshot's own frozen object. */
  get<N extends GetName>(name: N): GetResult<N> {
    return this.ready('get').accessors.get(name);
  }

  /** A daemon's metadata, or `defaultValue` (null if none) when the manager has none. */
  get_metadata<D = null>(svc_type: string, svc_id: string, defaultValue?: D): Readonly<Record<string, string>> | D {
    return this.ready('get_metadata').accessors.get_metadata(svc_type, svc_id, defaultValue);
  }

  /** A daemon's status strings. */
  get_daemon_status(svc_type: string, svc_id: string): Readonly<Record<string, string>> | null {
    return this.ready('get_daemon_status').accessors.get_daemon_status(svc_type, svc_id);
  }

  /**
   * Sends a command to a daemon of the cluster (Ceph's `send_command`): `svc_type` `mon` (id ignored), `mgr` (the
   * cluster's manager: a real ceph-mgr behind the bridge, else this host's own commands; id ignored), `osd` (a
   * numeric id), `mds` (a name) or `pg` (a PG id); `command` is the command's JSON text. It returns at once; `result`
   * completes when the cluster answers (after the OSD map it made, if any, is readable), then every module that
   * takes `command` notifications gets `notify('command', tag)`.
   */
  send_command(
    result: CommandResult,
    svc_type: string,
    svc_id: string,
    command: string,
    tag: string,
    inbuf: string | null = null,
  ): void {
    const services = this.ready('send_command');
    const target = commandTarget(svc_type, svc_id);
    let cmd: Record<string, unknown>;
    try {
      cmd = JSON.parse(command) as Record<string, unknown>;
    } catch (e) {
      throw new MgrError('MGR_ERR_SEND_COMMAND_ARGS', `command is not JSON: ${(e as Error).message}`);
    }
    if (cmd === null || typeof cmd !== 'object' || Array.isArray(cmd)) {
      throw new MgrError('MGR_ERR_SEND_COMMAND_ARGS', 'command is not a JSON object');
    }
    void services.sendCommand(target, cmd, inbuf ?? '').then((reply) => {
      result.complete(reply.retval, reply.outb, reply.outs);
      services.notifyCommand(tag);
    });
  }

  /** Sends a command to the monitors and resolves to `[retval, outb, outs]` (Ceph's `mon_command`). */
  async mon_command(cmd_dict: Record<string, unknown>, inbuf: string | null = null): Promise<[number, string, string]> {
    const result = new CommandResult('');
    this.send_command(result, 'mon', '', JSON.stringify(cmd_dict), '', inbuf);
    return result.wait();
  }

  /** `mon_command` that throws `MonCommandFailed` unless the monitors answered 0 (Ceph's `check_mon_command`). */
  async check_mon_command(
    cmd_dict: Record<string, unknown>,
    inbuf: string | null = null,
  ): Promise<HandleCommandResult> {
    const [r, outb, outs] = await this.mon_command(cmd_dict, inbuf);
    if (r !== 0) throw new MonCommandFailed(String(cmd_dict.prefix ?? ''), r, outb, outs);
    return new HandleCommandResult(r, outb, outs);
  }

  /**
   * A RADOS client bound to this manager's cluster (Ceph's `self.rados`): pools of the current OSD map, objects with
   * data, xattrs and omap kept in the host's store, mon and mgr commands. Made on first use; the host shuts it down
   * when the module stops. Its calls wait while the monitors are unreachable (then fail with `TimedOut`), so, as the
   * guide says, do not assume they return promptly.
   *
   * @example
   * ```ts
   * const ioctx = await this.rados.open_ioctx('rbd');
   * await ioctx.write_full('state', JSON.stringify({ epoch: this.get('osd_map')?.epoch }));
   * ```
   */
  get rados(): Rados {
    return this.ready('rados').rados();
  }

  /**
   * A CephFS client bound to this manager's cluster, as Ceph's modules make one from `self.rados`
   * (`cephfs.LibCephFS(rados_inst=self.rados)`): mount a file system of the file system map, then directories,
   * files, stat and xattrs with python-cephfs's names and errors. Made on first use; the host shuts it down when the
   * module stops.
   *
   * @example
   * ```ts
   * await this.cephfs.mount(null, 'cephfs');
   * await this.cephfs.mkdirs('/volumes/_nogroup', 0o755);
   * const names = await this.cephfs.listdir('/volumes');
   * ```
   */
  get cephfs(): LibCephFS {
    return this.ready('cephfs').cephfs();
  }

  /** A read-only handle on the current OSD map, with Ceph's `OSDMap` methods. */
  get_osdmap(): OSDMap {
    return this.ready('get_osdmap').accessors.get_osdmap();
  }

  /** What each daemon last reported of its health (`{"osd.0": [{value, type}], ...}`), as Ceph's. */
  get_daemon_health_metrics(): ReturnType<Accessors['get_daemon_health_metrics']> {
    return this.ready('get_daemon_health_metrics').accessors.get_daemon_health_metrics();
  }

  /**
   * Registers an OSD perf query with the OSDs, as Ceph's: `{key_descriptor: [{type, regex}], performance_counter_descriptors}`
   * (types `pool_id`, `namespace`, `object_name`, ...; counters `write_ops`, `read_ops`, `write_bytes`,
   * `read_bytes`, `write_latency`, `read_latency`, ...). Returns the query's id, or null for a query that is not
   * valid. The OSDs count for it from their next report.
   *
   * @example
   * ```ts
   * const id = this.add_osd_perf_query({
   *   key_descriptor: [{ type: 'pool_id', regex: '^(.*)$' }, { type: 'object_name', regex: '^rbd_data\\.([^.]+)\\.' }],
   *   performance_counter_descriptors: ['write_ops', 'write_latency'],
   * });
   * ```
   */
  add_osd_perf_query(query: unknown): number | null {
    return this.ready('add_osd_perf_query').osdPerfQueries.add(query);
  }

  /** Unregisters an OSD perf query; an id that is not registered is ignored (Ceph logs it). */
  remove_osd_perf_query(query_id: number): void {
    const services = this.ready('remove_osd_perf_query');
    if (!services.osdPerfQueries.remove(query_id)) services.log.error(`failed to remove osd perf query ${query_id}`);
  }

  /**
   * What the OSDs counted for query `query_id` since the last call (or since it was added), as Ceph's:
   * `{counters: [{k: [[sub-key groups], ...], c: [[value, count], ...]}]}`, one entry per key, the counters in the
   * query's order (latencies: sum in nanoseconds and count). Null for an unknown id.
   */
  get_osd_perf_counters(query_id: number): OsdPerfCounters | null {
    return this.ready('get_osd_perf_counters').osdPerfQueries.counters(query_id);
  }

  /** `{path: [[t, v], ...]}` (or `[t, sum, count]` samples for averages). */
  get_counter(svc_type: string, svc_id: string, path: string): Record<string, readonly CounterSample[]> {
    return this.ready('get_counter').accessors.get_counter(svc_type, svc_id, path);
  }

  /** `{path: [t, v]}` (or `[t, sum, count]`), or `{path: []}`. */
  get_latest_counter(svc_type: string, svc_id: string, path: string): Record<string, CounterSample | readonly []> {
    return this.ready('get_latest_counter').accessors.get_latest_counter(svc_type, svc_id, path);
  }

  /** Every host with the daemons on it. */
  list_servers(): ReturnType<Accessors['list_servers']> {
    return this.ready('list_servers').accessors.list_servers();
  }

  /** One host and its daemons, or null. */
  get_server(hostname: string): ReturnType<Accessors['get_server']> {
    return this.ready('get_server').accessors.get_server(hostname);
  }

  /** `{"<type>.<id>": {path: {description, nick, priority, type, units}}}`. */
  get_perf_schema(svc_type: string, svc_id: string): ReturnType<Accessors['get_perf_schema']> {
    return this.ready('get_perf_schema').accessors.get_perf_schema(svc_type, svc_id);
  }

  /** Every counter at or above `prio_limit` of the daemons of `services`, with its schema and latest value. */
  get_all_perf_counters(prio_limit = 5, services?: readonly string[]): ReturnType<Accessors['get_all_perf_counters']> {
    return this.ready('get_all_perf_counters').accessors.get_all_perf_counters(prio_limit, services);
  }

  /**
   * The manager's value of one of Ceph's own options (not a module option), typed by the option's type: a number,
   * a bool or text. An unknown option throws a `MgrError` with code `MGR_ERR_CONFIG_UNKNOWN_OPTION` (ENOENT).
   *
   * @example
   * ```ts
   * const maxPgs = this.get_ceph_option('mon_max_pg_per_osd') as number; // 250 unless set
   * ```
   */
  get_ceph_option(key: string): string | number | boolean {
    return this.ready('get_ceph_option').accessors.get_ceph_option(key);
  }

  /** The latest value of a counter, or 0 when there is none (Ceph's `get_latest`). */
  get_latest(svc_type: string, svc_id: string, path: string): number {
    const data = this.get_latest_counter(svc_type, svc_id, path)[path];
    return data !== undefined && data.length > 0 ? (data[1] as number) : 0;
  }

  /** The latest `[sum, count]` of an average counter, or `[0, 0]` when there is none (Ceph's `get_latest_avg`). */
  get_latest_avg(svc_type: string, svc_id: string, path: string): [number, number] {
    const data = this.get_latest_counter(svc_type, svc_id, path)[path];
    return data !== undefined && data.length === 3 ? [data[1] as number, data[2] as number] : [0, 0];
  }

  /**
   * `{path: [t, sum, count]}` for an average counter (`{path: [t, v]}` for another, `{path: []}` without data):
   * Nautilus's `get_latest_avg_counter`. Since Octopus `get_latest_counter` gives averages as `[t, sum, count]`
   * itself, so this returns what it returns.
   */
  get_latest_avg_counter(svc_type: string, svc_id: string, path: string): Record<string, CounterSample | readonly []> {
    return this.get_latest_counter(svc_type, svc_id, path);
  }

  /** Reef's name of `get_all_perf_counters` (counters without labels). */
  get_unlabeled_perf_counters(
    prio_limit = 5,
    services?: readonly string[],
  ): ReturnType<Accessors['get_all_perf_counters']> {
    return this.get_all_perf_counters(prio_limit, services);
  }

  /** Whether the OSD map has a pool of that name (Ceph's `pool_exists`). */
  pool_exists(name: string): boolean {
    return (this.get('osd_map')?.pools ?? []).some((p) => p.pool_name === name);
  }

  /** Whether at least `osd_pool_default_size` OSDs are up and in (Ceph's `have_enough_osds`). */
  have_enough_osds(): boolean {
    const ready = (this.get('osd_map')?.osds ?? []).filter((o) => o.up && o.in).length;
    return ready >= (this.get_ceph_option('osd_pool_default_size') as number);
  }

  /** Sends a command to an OSD (`cmd_dict.id`) and resolves to `[retval, outb, outs]` (Ceph's `osd_command`). */
  async osd_command(cmd_dict: Record<string, unknown>, inbuf: string | null = null): Promise<[number, string, string]> {
    const result = new CommandResult('');
    this.send_command(result, 'osd', String(cmd_dict.id ?? ''), JSON.stringify(cmd_dict), '', inbuf);
    return result.wait();
  }

  /** `ceph tell`: a command to one daemon, resolving to `[retval, outb, outs]` (Ceph's `tell_command`). */
  async tell_command(
    daemon_type: string,
    daemon_id: string,
    cmd_dict: Record<string, unknown>,
    inbuf: string | null = null,
  ): Promise<[number, string, string]> {
    const result = new CommandResult('');
    this.send_command(result, daemon_type, daemon_id, JSON.stringify(cmd_dict), '', inbuf);
    return result.wait();
  }

  /**
   * One of Ceph's options as another daemon (`osd.0`, `mds.a`, or a type, `osd`) gets it from the central config,
   * typed as `get_ceph_option` types it (Ceph's `get_foreign_ceph_option`). An unknown option throws
   * `MGR_ERR_CONFIG_UNKNOWN_OPTION`, a bad entity `MGR_ERR_CONFIG_INVALID_ENTITY` (KeyError in Ceph).
   */
  get_foreign_ceph_option(entity: string, key: string): string | number | boolean {
    return this.ready('get_foreign_ceph_option').foreignCephOption(entity, key);
  }

  /**
   * Whether the client whose command this module is handling may run it with these arguments (Ceph's
   * `is_authorized`, which checks the session's caps for the `py` service with all of r, w and x). mgrkit's caps are
   * `r` and `w` with no per-argument grants, so: true while handling a command of this module from a client with
   * `rw`; false outside a command, as in Ceph (no session).
   */
  is_authorized(_arguments: Readonly<Record<string, string>>): boolean {
    const session = commandSession.getStore();
    if (session === undefined || session.module !== this.module_name) return false;
    return session.caps.includes('r') && session.caps.includes('w');
  }

  /**
   * Runs a Ceph command-line tool as this manager (Ceph's `tool_exec`): `args[0]` with `-k <keyring> -n mgr.<id>`
   * and the rest of `args`, `stdin` as its input; resolves to `[returncode, stdout, stderr]`, `-ETIMEDOUT` after
   * `timeout` seconds. Unlike Ceph, only the tools of `TOOL_EXEC_ALLOWED` run (`ceph`, `rados`, `rbd`,
   * `radosgw-admin`, `ceph-volume`, `ganesha-rados-grace`), never through a shell; another answers `-EPERM`.
   */
  tool_exec(
    args: readonly string[],
    timeout = 10,
    stdin: string | Uint8Array | null = null,
  ): Promise<[number, string, string]> {
    const services = this.ready('tool_exec');
    const keyring = String(this.get_ceph_option('keyring'));
    return toolExec({ keyring, mgrId: services.mgrId, log: this.log }, args, timeout, stdin);
  }

  /**
   * Creates or updates a progress event (Ceph's `update_progress_event`): `progress` from 0 to 1; with
   * `add_to_ceph_s` it shows in `status`'s `progress:` section. As Ceph's modules do through `remote('progress',
   * 'update', ...)`, it goes to the `progress` module when that runs (so `progress` lists it, and `status` shows its
   * two-line form with a bar); otherwise straight to the manager's events. Resolves once recorded.
   */
  update_progress_event(evid: string, desc: string, progress: number, add_to_ceph_s = false): Promise<void> {
    return this.ready('update_progress_event').progress.update(evid, desc, progress, add_to_ceph_s);
  }

  /** Completes a progress event: gone from `status`, listed as `[Complete]` by `progress` (Ceph's). */
  complete_progress_event(evid: string): Promise<void> {
    return this.ready('complete_progress_event').progress.complete(evid);
  }

  /**
   * Ends a progress event as failed, with why: the `progress` module's `fail` (listed as `[Failed]`); Ceph's
   * modules call it as `remote('progress', 'fail', evid, message)`, mgrkit also gives it this name.
   */
  fail_progress_event(evid: string, message: string): Promise<void> {
    return this.ready('fail_progress_event').progress.fail(evid, message);
  }

  /** Removes every progress event from `status` (Ceph's `clear_all_progress_events`). */
  clear_all_progress_events(): void {
    this.ready('clear_all_progress_events').progress.clear();
  }

  /** The manager's progress events by id, as `status` reports them (`progress_events`); mgrkit's, for `status`. */
  get_progress_events(): Readonly<Record<string, ProgressEventInfo>> {
    return this.ready('get_progress_events').progress.all();
  }

  /** The release name of a Ceph major version (`lookup_release_name(18)` is `reef`), `unknown` past the table. */
  lookup_release_name(major: number): string {
    return lookupReleaseName(major);
  }

  /**
   * Ceph's `self_test`: override it with the module's own checks, throwing on a failure; what it returns (a string,
   * or nothing) is for a developer to read.
   */
  self_test(): string | null | undefined | Promise<string | null | undefined> {
    return null;
  }

  /** Renames a pool (Ceph's `rename_pool`: `osd pool rename`); throws `MonCommandFailed` when refused. */
  async rename_pool(srcpool: string, destpool: string): Promise<void> {
    await this.check_mon_command({
      prefix: 'osd pool rename',
      format: 'json',
      srcpool,
      destpool,
      yes_i_really_mean_it: true,
    });
  }

  /** Creates a small pool as Ceph's `create_pool` does (1 PG, autoscaled up to 32). */
  async create_pool(pool: string): Promise<void> {
    await this.check_mon_command({
      prefix: 'osd pool create',
      format: 'json',
      pool,
      pg_num: 1,
      pg_num_min: 1,
      pg_num_max: 32,
      yes_i_really_mean_it: true,
    });
  }

  /** Tags a pool with an application (Ceph's `appify_pool`: `osd pool application enable`). */
  async appify_pool(pool: string, app: string): Promise<void> {
    await this.check_mon_command({
      prefix: 'osd pool application enable',
      format: 'json',
      pool,
      app,
      yes_i_really_mean_it: true,
    });
  }

  /**
   * Creates the managers' pool `.mgr` (Ceph's `create_mgr_pool`): renames devicehealth's old pool when it exists,
   * else creates one, and tags it `mgr`.
   */
  async create_mgr_pool(): Promise<void> {
    this.log.info('creating mgr pool');
    const old = this.get_module_option_ex('devicehealth', 'pool_name', 'device_health_metrics');
    if (old !== null && this.pool_exists(String(old))) await this.rename_pool(String(old), MgrModule.MGR_POOL_NAME);
    else await this.create_pool(MgrModule.MGR_POOL_NAME);
    await this.appify_pool(MgrModule.MGR_POOL_NAME, 'mgr');
  }

  /**
   * Runs `radosgw-admin` with `args` as this manager (Ceph's `send_rgwadmin_command`, through `tool_exec`): resolves
   * to `[returncode, stdout, stderr]`, stdout parsed as JSON when there is any and `stdout_as_json`.
   */
  async send_rgwadmin_command(
    args: readonly string[],
    stdout_as_json = true,
  ): Promise<[number, string | Record<string, unknown>, string]> {
    const [rc, out, err] = await this.tool_exec(['radosgw-admin', ...args]);
    return [rc, out !== '' && stdout_as_json ? (JSON.parse(out) as Record<string, unknown>) : out, err];
  }

  /** Whether the manager is connected to the monitors: follows the stream's liveness. */
  have_mon_connection(): boolean {
    return this.ready('have_mon_connection').haveMonConnection();
  }

  /** The cluster's Ceph version string, as the daemons report it. */
  get version(): string {
    return this.ready('version').version();
  }

  /** The cluster's Ceph release name (`pacific`, ...). */
  get release_name(): string {
    return this.ready('release_name').releaseName();
  }

  /**
   * The cluster as it was after event `seq` of the host's journal, with the same read accessors as the current state
   * (`get`, `get_metadata`, `get_osdmap`, ...) and its cluster log: what no ceph-mgr module can see. The last few
   * states read are kept, so going back and forth over a few points is cheap; a state is folded from the nearest
   * snapshot (or from a kept state), never from the start. Throws `MgrError` `MGR_ERR_STORE_NO_STATE` (ENOENT) for a
   * seq outside `get_journal_range()`, and `MGR_ERR_STORE_NONE` (EOPNOTSUPP) on a host without a store.
   *
   * @example
   * ```ts
   * const { first, last } = this.get_journal_range();
   * const before = this.get_at(Math.max(first, last - 100));
   * this.log.info({ seq: before.seq, epoch: before.get('osd_map')?.epoch }, 'a hundred events ago');
   * ```
   */
  get_at(seq: number): PastState {
    return this.ready('get_at').pastState(seq);
  }

  /**
   * The seq of the first event of the host's journal and the seq of the current snapshot (what `get` reads), both 0
   * when empty: the range of `get_at`. Throws `MGR_ERR_STORE_NONE` on a host without a store.
   */
  get_journal_range(): { first: number; last: number } {
    return this.ready('get_journal_range').journalRange();
  }

  /**
   * Publishes where this module serves (Ceph's `set_uri`), e.g. `http://host:8080/`: the host keeps it while the
   * module runs (`MgrHost.modules.serviceUris()`), for the mgr map's `services` that standbys redirect to.
   */
  set_uri(uri: string): void {
    this.ready('set_uri').setUri(uri);
  }

  /** Replaces this module's health checks; `{}` clears them. */
  set_health_checks(checks: Record<string, ModuleHealthCheck>): void {
    this.ready('set_health_checks').setHealthChecks(checks);
  }

  /**
   * Calls `method` of another enabled module with copies of `args`, and returns a copy of its result. A module
   * that is not enabled, or a method it lacks, is a typed error; an exception inside comes back as `RemoteError`.
   */
  remote<T = unknown>(module: string, method: string, ...args: unknown[]): Promise<T> {
    return this.ready('remote').remote(module, method, args) as Promise<T>;
  }

  /**
   * Writes to the cluster log, as Ceph's `cluster_log`: the entry (from `mgr.<id>`) goes into the stream as a `clog`
   * event, so `log last` shows it and modules that take `clog` notifications get it. `priority` is a
   * `ClusterLogPrio` number or name (`'WARN'`), a `log last` level (`'warn'`) or the printed form (`'[WRN]'`); a bad
   * one throws at once. Resolves once the entry is journaled; a failure to journal it is logged, not thrown.
   *
   * @example
   * ```ts
   * await this.cluster_log('cluster', MgrModule.ClusterLogPrio.WARN, 'pool "rbd" is 85% full');
   * ```
   */
  cluster_log(channel: string, priority: ClusterLogPriority, message: string): Promise<void> {
    return this.ready('cluster_log')
      .clusterLog(channel, priority, message)
      .then(
        () => undefined,
        (e) => this.log.error({ err: e, channel, message }, 'cluster log entry not journaled'),
      );
  }
}

/** Checks a `send_command` target as ceph-mgr does, with its messages. */
function commandTarget(type: string, id: string): CommandTarget {
  switch (type) {
    case 'mon':
    case 'mgr':
      return { type, id: '' };
    case 'osd':
      if (!/^\d+$/.test(id)) throw new MgrError('MGR_ERR_SEND_COMMAND_ARGS', `invalid osd_id: "${id}"`);
      return { type, id };
    case 'mds':
      return { type, id };
    case 'pg':
      if (!/^\d+\.[0-9a-f]+$/.test(id)) throw new MgrError('MGR_ERR_SEND_COMMAND_ARGS', `invalid pgid: "${id}"`);
      return { type, id };
    default:
      throw new MgrError('MGR_ERR_SEND_COMMAND_ARGS', `unknown service type: ${type}`);
  }
}
