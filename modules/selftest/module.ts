import { EvalMixin, MgrError, MgrModule, type NotifyType, Option, RemoteError } from 'mgrkit';

/** What one check of the self-test found. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Exercises the module API against the live state, as Ceph's `selftest` module does: every accessor, options,
 * health checks and `remote` (to itself and to a module that is not there). `remote('selftest', 'run')` returns
 * one result per check; `remote('selftest', 'echo', x)` returns `x` (for testing `remote` from elsewhere).
 * `mgr self-test eval` runs JavaScript with `mgr` bound to the module: `mgrkit repl` is a shell over it.
 */
export class Module extends EvalMixin(MgrModule, 'mgr self-test eval') {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map', 'health', 'pg_summary', 'clog', 'mon_map', 'fs_map'];
  static MODULE_OPTIONS = [
    Option({ name: 'testkey', type: 'str', default: 'default' }),
    Option({ name: 'testint', type: 'int', default: 42, min: 0, max: 100 }),
  ];

  private notified = 0;

  notify(): void {
    this.notified++;
  }

  /** Returns what it is given: lets other modules test `remote` (arguments and results are copied). */
  echo<T>(value: T): T {
    return value;
  }

  /** Raises: lets other modules test how `remote` reports an exception. */
  raise(message: string): never {
    throw new Error(message);
  }

  async run(): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    const check = async (name: string, fn: () => unknown): Promise<void> => {
      try {
        const detail = await fn();
        results.push({ name, ok: true, detail: typeof detail === 'string' ? detail : (JSON.stringify(detail) ?? '') });
      } catch (e) {
        results.push({ name, ok: false, detail: (e as Error).message });
      }
    };
    const must = (cond: boolean, what: string) => {
      if (!cond) throw new Error(what);
    };
    for (const name of [
      'osd_map',
      'osd_map_crush',
      'mon_map',
      'fs_map',
      'mgr_map',
      'service_map',
      'health',
      'mon_status',
      'pg_stats',
    ] as const) {
      await check(`get(${name})`, () => {
        const v = this.get(name);
        must(v === null || typeof v === 'object', 'not an object');
        must(v === null || Object.isFrozen(v), 'not frozen');
        must(this.get(name) === v, 'a second call returned another object');
        return v === null ? 'none yet' : 'ok';
      });
    }
    await check('get(unknown)', () => {
      try {
        this.get('no_such_name' as never);
      } catch (e) {
        must(e instanceof MgrError && e.code === 'MGR_ERR_GET_UNKNOWN_NAME', 'wrong error');
        return 'typed error';
      }
      throw new Error('no error');
    });
    await check('get_metadata', () => {
      must(this.get_metadata('osd', 'no-such', 'dflt') === 'dflt', 'default not returned');
      return this.get_metadata('osd', '0') === null ? 'no osd.0' : 'ok';
    });
    await check('get_daemon_status', () => this.get_daemon_status('osd', '0') ?? 'no osd.0');
    await check('get_counter', () => {
      const c = this.get_counter('osd', '0', 'osd.op_w');
      must(Array.isArray(c['osd.op_w']), 'not a series');
      return `${c['osd.op_w']!.length} samples`;
    });
    await check('get_latest_counter', () => this.get_latest_counter('osd', '0', 'osd.op_w'));
    await check('list_servers', () => {
      const servers = this.list_servers();
      must(Array.isArray(servers), 'not a list');
      for (const srv of servers) must(this.get_server(srv.hostname)?.hostname === srv.hostname, 'get_server disagrees');
      must(this.get_server('no-such-host') === null, 'a missing host is not null');
      return `${servers.length} servers`;
    });
    await check('get_perf_schema', () => {
      must(JSON.stringify(this.get_perf_schema('osd', 'no-such')) === '{}', 'a missing daemon is not {}');
      return Object.keys(this.get_perf_schema('osd', '0')['osd.0'] ?? {}).length;
    });
    await check('get_all_perf_counters', () => Object.keys(this.get_all_perf_counters()).join(','));
    await check('have_mon_connection', () => String(this.have_mon_connection()));
    await check('get_mgr_id', () => this.get_mgr_id());
    await check('version', () => `${this.version} (${this.release_name})`);
    await check('module options', async () => {
      must(this.get_module_option('testint') === 42 || typeof this.get_module_option('testint') === 'number', 'int');
      await this.set_module_option('testkey', 'set');
      must(this.get_module_option('testkey') === 'set', 'set value not read back');
      await this.set_module_option('testkey', null);
      must(this.get_module_option('testkey') === 'default', 'reset did not restore the default');
      try {
        this.get_module_option('undeclared');
      } catch (e) {
        must((e as MgrError).code === 'MGR_ERR_OPTION_UNDECLARED', 'wrong error');
        return 'ok';
      }
      throw new Error('undeclared option did not throw');
    });
    await check('set_health_checks', () => {
      this.set_health_checks({ SELFTEST_CHECK: { severity: 'warning', summary: 'self-test', detail: ['a detail'] } });
      this.set_health_checks({});
      return 'ok';
    });
    await check('remote to self', async () => {
      const sent = { a: [1, 2, { b: 'c' }] };
      const back = await this.remote<typeof sent>('selftest', 'echo', sent);
      must(JSON.stringify(back) === JSON.stringify(sent) && back !== sent, 'not an equal copy');
      return 'ok';
    });
    await check('remote exception', async () => {
      try {
        await this.remote('selftest', 'raise', 'boom');
      } catch (e) {
        must(e instanceof RemoteError && e.message === 'boom', 'not a RemoteError with the message');
        return 'RemoteError';
      }
      throw new Error('no error');
    });
    await check('remote to a module not enabled', async () => {
      try {
        await this.remote('no_such_module', 'x');
      } catch (e) {
        must((e as MgrError).code === 'MGR_ERR_REMOTE_NOT_ENABLED', 'wrong error');
        return 'typed error';
      }
      throw new Error('no error');
    });
    await check('notifications', () => `${this.notified} received`);
    return results;
  }
}
