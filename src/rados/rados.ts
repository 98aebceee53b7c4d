import { errorResult } from '../commands/result.ts';
import { MgrError } from '../errors.ts';
import { Ioctx, type IoctxClient } from './ioctx.ts';
import { waitForMonitors } from './monitor-wait.ts';
import type { CallOptions, RadosBinding } from './rados-binding.ts';
import {
  makeRadosError,
  NotConnected,
  ObjectExists,
  ObjectNotFound,
  RadosStateError,
  TimedOut,
} from './rados-errors.ts';

/** A command as python-rados takes it (JSON text, or a list of JSON texts of which the first counts) or as a dict. */
export type RadosCommand = string | readonly string[] | Readonly<Record<string, unknown>>;

/** What `mon_command` and `mgr_command` resolve to: `[ret, outb, outs]`, `ret` 0 or `-errno`. */
export type RadosCommandResult = [ret: number, outb: string, outs: string];

function parseCommand(cmd: RadosCommand): Record<string, unknown> | string {
  if (typeof cmd !== 'string' && !Array.isArray(cmd)) return { ...(cmd as Record<string, unknown>) };
  const text = typeof cmd === 'string' ? cmd : (cmd as readonly string[])[0];
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    return 'command is not a JSON object';
  } catch (e) {
    return `command is not JSON: ${(e as Error).message}`;
  }
}

const inbufText = (inbuf: string | Uint8Array): string =>
  typeof inbuf === 'string' ? inbuf : Buffer.from(inbuf).toString('utf8');

/**
 * A RADOS client bound to the manager's cluster: a module's `this.rados`, shaped after python-rados's `rados.Rados`
 * so that a Ceph module author finds what they know. Pools are those of the current OSD map; creating and deleting
 * one goes through the cluster as the mon commands `osd pool create` / `osd pool rm` (a recording has no cluster
 * and refuses them with EOPNOTSUPP). Every call is async and takes `{timeout}` in seconds: while the manager has no
 * monitor connection, a call waits up to it and then fails with `TimedOut`. The host shuts the client down when
 * the module stops.
 *
 * @example
 * ```ts
 * if (!(await this.rados.pool_exists('mypool'))) await this.rados.create_pool('mypool');
 * const ioctx = await this.rados.open_ioctx('mypool');
 * await ioctx.set_omap('index', ['a', 'b'], ['1', '2']);
 * const [ret, outb] = await this.rados.mon_command({ prefix: 'osd dump', format: 'json' });
 * ```
 */
export class Rados implements IoctxClient {
  /** @internal */
  readonly binding: RadosBinding;
  private readonly closed = new AbortController();

  /** @internal Made by the host, one per module: a module reaches it as `this.rados`. */
  constructor(binding: RadosBinding) {
    this.binding = binding;
  }

  /** `connected`, or `shutdown` once the host has shut the client down (every call then fails). */
  get state(): 'connected' | 'shutdown' {
    return this.closed.signal.aborted ? 'shutdown' : 'connected';
  }

  /** The names of the pools of the current OSD map, in pool id order. */
  async list_pools(options?: CallOptions): Promise<string[]> {
    await this.ready('error listing pools', options, 'rados_mon_op_timeout');
    return this.binding.pools().map((p) => p.pool_name);
  }

  async pool_exists(pool_name: string, options?: CallOptions): Promise<boolean> {
    return (await this.pool_lookup(pool_name, options)) !== null;
  }

  /** The pool's id, or null when the OSD map has no such pool. */
  async pool_lookup(pool_name: string, options?: CallOptions): Promise<number | null> {
    await this.ready(`error looking up pool '${pool_name}'`, options, 'rados_mon_op_timeout');
    return this.binding.pools().find((p) => p.pool_name === pool_name)?.pool ?? null;
  }

  /**
   * Creates a pool through the cluster (`osd pool create`); resolves once the OSD map that has it is readable.
   * `ObjectExists` if there is one of that name; in a recording, an EOPNOTSUPP `RadosError` saying why.
   */
  async create_pool(pool_name: string, options?: CallOptions): Promise<void> {
    const what = `error creating pool '${pool_name}'`;
    return this.deadline(what, options, async () => {
      if (this.binding.pools().some((p) => p.pool_name === pool_name)) throw new ObjectExists(what);
      const r = await this.binding.monCommand({ prefix: 'osd pool create', pool: pool_name }, '');
      if (r.retval < 0) throw makeRadosError(r.retval, r.outs ? `${what}: ${r.outs}` : what);
    });
  }

  /**
   * Deletes a pool and its objects through the cluster (`osd pool rm <pool> <pool> --yes-i-really-really-mean-it`);
   * `ObjectNotFound` when there is none, `PermissionError` while the monitors' `mon_allow_pool_delete` is false.
   */
  async delete_pool(pool_name: string, options?: CallOptions): Promise<void> {
    const what = `error deleting pool '${pool_name}'`;
    return this.deadline(what, options, async () => {
      if (!this.binding.pools().some((p) => p.pool_name === pool_name)) throw new ObjectNotFound(what);
      const r = await this.binding.monCommand(
        { prefix: 'osd pool rm', pool: pool_name, pool2: pool_name, yes_i_really_really_mean_it: true },
        '',
      );
      if (r.retval < 0) throw makeRadosError(r.retval, r.outs ? `${what}: ${r.outs}` : what);
      await this.binding.sweep();
    });
  }

  /** An I/O context on a pool of the current OSD map; `ObjectNotFound` (ENOENT) when the map has no such pool. */
  async open_ioctx(ioctx_name: string, options?: CallOptions): Promise<Ioctx> {
    const what = `error opening pool '${ioctx_name}'`;
    await this.ready(what, options, 'rados_mon_op_timeout');
    const pool = this.binding.pools().find((p) => p.pool_name === ioctx_name);
    if (pool === undefined) throw new ObjectNotFound(what);
    return new Ioctx(this, pool.pool, ioctx_name);
  }

  /**
   * A command to the monitors, resolving to `[ret, outb, outs]` (python-rados gives `outb` as bytes; here it is the
   * text, as `MgrModule.mon_command` gives it). In a recording every command answers EOPNOTSUPP.
   */
  mon_command(cmd: RadosCommand, inbuf: string | Uint8Array = '', options?: CallOptions): Promise<RadosCommandResult> {
    return this.command('mon_command', cmd, inbuf, options, async (parsed, text) => {
      const r = await this.binding.monCommand(parsed, text);
      return [r.retval, r.outb, r.outs];
    });
  }

  /** A command to this manager (its own and its modules' commands), as the manager's own entity with full caps. */
  mgr_command(cmd: RadosCommand, inbuf: string | Uint8Array = '', options?: CallOptions): Promise<RadosCommandResult> {
    return this.command('mgr_command', cmd, inbuf, options, (parsed, text) => this.binding.mgrCommand(parsed, text));
  }

  /** Shuts the client down: pending waits fail with `RadosStateError`, as does every later call. */
  shutdown(): void {
    this.closed.abort();
  }

  /** @internal Waits for the monitors within the call's timeout, failing as librados does. */
  async ready(what: string, options: CallOptions | undefined, setting: string): Promise<void> {
    const ms = this.timeoutMs(options, setting);
    const outcome = await waitForMonitors(this.binding.monitors, ms, this.closed.signal);
    if (outcome === 'shut-down') {
      throw new RadosStateError(`You cannot perform that operation on a Rados object in state shutdown. (${what})`);
    }
    if (outcome === 'timed-out') throw new TimedOut(`${what}: no monitor connection within ${ms / 1000}s`);
    if (outcome === 'no-cluster') {
      throw new NotConnected(`${what}: no monitor connection: the source has ended and no cluster is behind it`);
    }
  }

  /** A command whose text is not a JSON object answers -EINVAL, as the monitors would; otherwise it is sent. */
  private async command(
    name: string,
    cmd: RadosCommand,
    inbuf: string | Uint8Array,
    options: CallOptions | undefined,
    send: (cmd: Record<string, unknown>, inbuf: string) => Promise<RadosCommandResult>,
  ): Promise<RadosCommandResult> {
    const parsed = parseCommand(cmd);
    if (typeof parsed === 'string') return errorResult(new MgrError('MGR_ERR_RADOS_INVALID', parsed));
    return this.deadline(`error calling ${name}`, options, () => send(parsed, inbufText(inbuf)));
  }

  /** Runs a call that goes to the cluster: the wait for the monitors and the answer together get the timeout. */
  private async deadline<T>(what: string, options: CallOptions | undefined, run: () => Promise<T>): Promise<T> {
    const ms = this.timeoutMs(options, 'rados_mon_op_timeout');
    const start = Date.now();
    await this.ready(what, options, 'rados_mon_op_timeout');
    if (ms === 0) return run();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimedOut(`${what}: no answer within ${ms / 1000}s`)),
        Math.max(0, ms - (Date.now() - start)),
      );
    });
    try {
      return await Promise.race([run(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private timeoutMs(options: CallOptions | undefined, setting: string): number {
    const seconds = options?.timeout ?? Number(this.binding.option(setting) ?? 0);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  }
}
