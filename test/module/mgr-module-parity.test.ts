import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError } from '../../src/errors.ts';
import { CLIReadCommand, MgrModule, type NotifyType, Option } from '../../src/index.ts';
import { TOOL_EXEC_ALLOWED } from '../../src/module/tool-exec.ts';
import { tempDir } from '../helpers.ts';
import { recordedClusterEvents } from '../modules/prometheus-helpers.ts';

class Plain extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  static MODULE_OPTIONS = [Option({ name: 'mine', type: 'int', default: 1 })];
}

class Other extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  static MODULE_OPTIONS = [Option({ name: 'threshold', type: 'int', default: 7, min: 0, max: 100 })];
}

/** Answers with `is_authorized` as seen while handling its command, after an await. */
class Guarded extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];

  /** Say whether the caller may act on a pool */
  @CLIReadCommand('guarded check')
  async check(): Promise<[number, string, string]> {
    await new Promise((r) => setTimeout(r, 1));
    return [0, String(this.is_authorized({ pool: 'rbd' })), ''];
  }
}

const code = (c: string) => (e: unknown) => e instanceof MgrError && e.code === c;

describe("MgrModule's Reef API beyond the accessors", () => {
  it('get_latest, get_latest_avg and get_latest_avg_counter read the newest sample as Ceph shapes it', async () => {
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    const events = recordedClusterEvents();
    for (let i = 0; i < events.length; i += 500) await h.push(...events.slice(i, i + 500));
    const m = h.module;
    // An average counter: [t, sum, count]; a plain one: [t, value].
    const avg = m.get_latest_avg_counter('osd', '0', 'osd.op_w_latency')['osd.op_w_latency']!;
    assert.equal(avg.length, 3);
    assert.deepEqual(
      m.get_latest_avg_counter('osd', '0', 'osd.op_w_latency'),
      m.get_latest_counter('osd', '0', 'osd.op_w_latency'),
    );
    assert.deepEqual(m.get_latest_avg('osd', '0', 'osd.op_w_latency'), [avg[1], avg[2]]);
    const plain = m.get_latest_counter('osd', '0', 'osd.op_w')['osd.op_w']!;
    assert.equal(plain.length, 2);
    assert.equal(m.get_latest('osd', '0', 'osd.op_w'), plain[1]);
    // No data: Ceph's 0 and (0, 0), and an empty series.
    assert.equal(m.get_latest('osd', '9', 'osd.op_w'), 0);
    assert.deepEqual(m.get_latest_avg('osd', '9', 'osd.op_w_latency'), [0, 0]);
    assert.deepEqual(m.get_latest_avg_counter('osd', '9', 'osd.op_w_latency'), { 'osd.op_w_latency': [] });
    assert.deepEqual(m.get_unlabeled_perf_counters(), m.get_all_perf_counters());
    assert.equal(MgrModule.PRIO_USEFUL, 5);
    await h.stop();
  });

  it("get_mgr_ip is the mgr map's first address, else the host name; get_hostname is the host's", async () => {
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    assert.equal(h.module.get_hostname(), hostname());
    assert.deepEqual(h.module.get('mgr_ips'), { ips: [] });
    assert.equal(h.module.get_mgr_ip(), hostname());
    const events = recordedClusterEvents() as Array<{ kind: string }>;
    await h.push(...events.filter((e) => e.kind === 'mgr_map'));
    const ips = h.module.get('mgr_ips').ips;
    assert.ok(ips.length > 0);
    assert.equal(h.module.get_mgr_ip(), ips[0]);
    await h.stop();
  });

  it('get_module_option_ex / set_module_option_ex read and write another module, typed by its declaration', async () => {
    const h = await createModuleHarness({ module: Plain, name: 'plain', others: { other: Other } });
    const m = h.module;
    const other = h.host.modules.instance<Other>('other')!;
    // Unset: the caller's default, not the other module's declared one (Ceph's).
    assert.equal(m.get_module_option_ex('other', 'threshold'), null);
    assert.equal(m.get_module_option_ex('other', 'threshold', 3), 3);
    await m.set_module_option_ex('other', 'threshold', 12);
    assert.equal(m.get_module_option_ex('other', 'threshold'), 12);
    assert.equal(other.get_module_option('threshold'), 12);
    await assert.rejects(m.set_module_option_ex('other', 'threshold', 'many'));
    await assert.rejects(m.set_module_option_ex('other', 'threshold', 1000));
    assert.equal(other.get_module_option('threshold'), 12);
    await m.set_module_option_ex('other', 'threshold', null);
    assert.equal(other.get_module_option('threshold'), 7);
    // Its own name: the key must be declared, as Ceph's _validate_module_option.
    await m.set_module_option_ex('plain', 'mine', 4);
    assert.equal(m.get_module_option_ex('plain', 'mine'), 4);
    assert.throws(() => m.get_module_option_ex('plain', 'nope'), code('MGR_ERR_OPTION_UNDECLARED'));
    await assert.rejects(m.set_module_option_ex('plain', 'nope', 1), code('MGR_ERR_OPTION_UNDECLARED'));
    // A module the host does not know: nothing set there is read.
    assert.equal(m.get_module_option_ex('ghost', 'x', 'dflt'), 'dflt');
    await h.stop();
  });

  it('get_foreign_ceph_option: global, then type, then daemon from the central config, else the default, typed', async () => {
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    const m = h.module;
    assert.equal(m.get_foreign_ceph_option('osd.0', 'osd_max_backfills'), 1);
    await h.push({
      kind: 'config',
      t: 1,
      changes: [
        { who: 'global', name: 'osd_max_backfills', value: '2' },
        { who: 'osd', name: 'osd_max_backfills', value: '3' },
        { who: 'osd.1', name: 'osd_max_backfills', value: '5' },
        { who: 'global', name: 'mon_allow_pool_delete', value: 'true' },
      ],
    });
    assert.equal(m.get_foreign_ceph_option('osd.0', 'osd_max_backfills'), 3);
    assert.equal(m.get_foreign_ceph_option('osd.1', 'osd_max_backfills'), 5);
    assert.equal(m.get_foreign_ceph_option('osd', 'osd_max_backfills'), 3);
    assert.equal(m.get_foreign_ceph_option('mds.a', 'osd_max_backfills'), 2);
    assert.equal(m.get_foreign_ceph_option('mon.a', 'mon_allow_pool_delete'), true);
    assert.throws(() => m.get_foreign_ceph_option('osd.0', 'osd_max_backfill'), code('MGR_ERR_CONFIG_UNKNOWN_OPTION'));
    assert.throws(
      () => m.get_foreign_ceph_option('disk.0', 'osd_max_backfills'),
      code('MGR_ERR_CONFIG_INVALID_ENTITY'),
    );
    await h.stop();
  });

  it("is_authorized: the caller's caps while handling this module's command, across awaits; false outside one", async () => {
    const h = await createModuleHarness({ module: Guarded, name: 'guarded' });
    assert.equal(h.module.is_authorized({ pool: 'rbd' }), false);
    const run = (caps: string) =>
      h.host.commands.run({ prefix: 'guarded check' }, { entity: 'client.x', caps, inbuf: '' });
    assert.deepEqual(await run('rw'), [0, 'true', '']);
    assert.deepEqual(await run('r'), [0, 'false', '']);
    assert.equal(h.module.is_authorized({}), false);
    await h.stop();
  });

  it('tool_exec runs an allowed tool as mgr.<id> with the keyring, stdin and a timeout; others are refused', async (t) => {
    const dir = tempDir(t);
    // Stand-ins for two allowed tools, found on PATH as the real ones would be.
    writeFileSync(
      join(dir, 'rados'),
      '#!/bin/sh\necho "args: $*"\ncat\necho "to stderr" >&2\n[ "$3" = "-n" ] && exit 0\nexit 3\n',
    );
    writeFileSync(join(dir, 'rbd'), '#!/bin/sh\necho failing >&2\nexit 4\n');
    writeFileSync(join(dir, 'ceph'), '#!/bin/sh\nsleep 5\n');
    for (const f of ['rados', 'rbd', 'ceph']) chmodSync(join(dir, f), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    t.after(() => {
      process.env.PATH = path;
    });
    const h = await createModuleHarness({ module: Plain, name: 'plain', mgrId: 'y' });
    const keyring = String(h.module.get_ceph_option('keyring'));
    const [rc, out, err] = await h.module.tool_exec(['rados', 'lspools'], 10, 'from stdin\n');
    assert.equal(rc, 0);
    assert.equal(out, `args: -k ${keyring} -n mgr.y lspools\nfrom stdin\n`);
    assert.equal(err, 'to stderr\n');
    assert.deepEqual(await h.module.tool_exec(['rbd', 'ls']), [4, '', 'failing\n']);
    const [trc, , terr] = await h.module.tool_exec(['ceph', 'status'], 0.2);
    assert.equal(trc, -110);
    assert.match(terr, /timed out after 0\.2 seconds/);
    const [prc, , perr] = await h.module.tool_exec(['sh', '-c', 'echo no']);
    assert.equal(prc, -1);
    assert.match(perr, /not a tool mgrkit runs/);
    assert.ok(TOOL_EXEC_ALLOWED.includes('ganesha-rados-grace'));
    // An allowed tool that is not installed: -ENOENT, not an exception.
    const [nrc] = await h.module.tool_exec(['ganesha-rados-grace', 'dump']);
    assert.equal(nrc, -2);
    await h.stop();
  });

  it('create_mgr_pool sends the monitor commands Ceph sends: create (or rename devicehealth pool) and tag it', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const commander = {
      command: async (_target: unknown, cmd: Readonly<Record<string, unknown>>) => {
        sent.push({ ...cmd });
        return { retval: 0, outb: '', outs: '' };
      },
    };
    const h = await createModuleHarness({ module: Plain, name: 'plain', commander });
    await h.module.create_mgr_pool();
    assert.deepEqual(
      sent.map((c) => [c.prefix, c.pool ?? c.srcpool, c.app ?? c.pg_num]),
      [
        ['osd pool create', '.mgr', 1],
        ['osd pool application enable', '.mgr', 'mgr'],
      ],
    );
    assert.deepEqual(sent[0], {
      prefix: 'osd pool create',
      format: 'json',
      pool: '.mgr',
      pg_num: 1,
      pg_num_min: 1,
      pg_num_max: 32,
      yes_i_really_mean_it: true,
    });
    sent.length = 0;
    await h.module.rename_pool('a', 'b');
    assert.deepEqual(sent, [
      { prefix: 'osd pool rename', format: 'json', srcpool: 'a', destpool: 'b', yes_i_really_mean_it: true },
    ]);
    await h.stop();
  });

  it("Ceph's small helpers: to_pretty_iec, get_pretty_row/header, lookup_release_name, getLogger, constants", async () => {
    assert.equal(MgrModule.to_pretty_iec(512), '512 ');
    assert.equal(MgrModule.to_pretty_iec(20 * 1024 * 1024 + 1), '20 Mi');
    assert.equal(MgrModule.to_pretty_iec(10 * 1024), '10240 ');
    assert.equal(MgrModule.to_pretty_iec(3 * 2 ** 60 * 4), '12 Ei');
    assert.equal(MgrModule.get_pretty_row(['a', 'bb'], 10), '|  a | bb |');
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    assert.equal(h.module.get_pretty_header(['a', 'bb'], 10), '+----+----+\n|  a | bb |\n+----+----+\n');
    assert.equal(h.module.lookup_release_name(18), 'reef');
    assert.equal(h.module.lookup_release_name(16), 'pacific');
    assert.equal(h.module.lookup_release_name(99), 'unknown');
    assert.equal(h.module.getLogger(), h.module.log);
    const sub = h.module.getLogger('scraper');
    assert.equal(typeof sub.warning, 'function');
    assert.equal(sub.bindings().logger, 'plain.scraper');
    assert.equal(sub.bindings().module, 'plain');
    assert.equal(await h.module.self_test(), null);
    assert.deepEqual(
      [
        MgrModule.PERFCOUNTER_LONGRUNAVG,
        MgrModule.PERFCOUNTER_COUNTER,
        MgrModule.PERFCOUNTER_HISTOGRAM,
        MgrModule.BYTES,
      ],
      [4, 8, 16, 0],
    );
    assert.equal(MgrModule.MGR_POOL_NAME, '.mgr');
    assert.deepEqual(Other.MODULE_OPTION_DEFAULTS, {
      threshold: 7,
      log_level: '',
      log_to_file: false,
      log_to_cluster: false,
      log_to_cluster_level: 'info',
    });
    await h.stop();
  });
});
