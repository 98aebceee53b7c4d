import { cephStampZ } from '../cluster/ceph-time.ts';
import type { CrashReport } from './crash-reports.ts';
import { CEPH_VERSION } from './host-metadata.ts';
import { hash32 } from './rng.ts';
import { uuidOf } from './uuid-of.ts';

const VERSION = /^ceph version (\S+)/.exec(CEPH_VERSION)![1]!;

/** What the simulated hosts' `uname` and os-release say, as a crash dump records them. */
const HOST_FIELDS = {
  os_id: 'rhel',
  os_name: 'Red Hat Enterprise Linux',
  os_version: '8.8 (Ootpa)',
  os_version_id: '8.8',
  utsname_machine: 'x86_64',
  utsname_release: '4.18.0-477.13.1.el8_8.x86_64',
  utsname_sysname: 'Linux',
  utsname_version: '#1 SMP Thu Jun 8 19:27:49 EDT 2023',
};

const SRC = `/builddir/build/BUILD/ceph-${VERSION}/src`;

function base(entity: string, process: string, host: string, now: number, key: number[]): Record<string, string> {
  const timestamp = cephStampZ(now);
  return {
    crash_id: `${timestamp}_${uuidOf(...key)}`,
    timestamp,
    entity_name: entity,
    process_name: process,
    ceph_version: VERSION,
    utsname_hostname: host,
    ...HOST_FIELDS,
  };
}

/**
 * The dump an OSD leaves when an assert fails in BlueStore's kv sync thread (the database refused a transaction),
 * as `ceph crash info` shows it once posted.
 */
export function osdAssertDump(osd: number, host: string, now: number, seed: number): CrashReport {
  const thread = `7f${hash32(seed, osd, now).toString(16).padStart(8, '0')}00`;
  const file = `${SRC}/os/bluestore/BlueStore.cc`;
  const func = 'void BlueStore::_kv_sync_thread()';
  const assertMsg =
    `${file}: In function '${func}' thread ${thread} time ${cephStampZ(now).replace('Z', '+0000')}\n` +
    `${file}: 12476: FAILED ceph_assert(r == 0)\n`;
  return {
    ...base(`osd.${osd}`, 'ceph-osd', host, now, [seed, osd, now]),
    assert_condition: 'r == 0',
    assert_file: file,
    assert_func: func,
    assert_line: '12476',
    assert_msg: assertMsg,
    assert_thread_name: 'bstore_kv_sync',
    backtrace: [
      '/lib64/libpthread.so.0(+0x12cf0) [0x7f5b1c8d3cf0]',
      'gsignal()',
      'abort()',
      '(ceph::__ceph_assert_fail(char const*, char const*, int, char const*)+0x1a9) [0x55d0f3b1c4b5]',
      '/usr/bin/ceph-osd(+0x56a67e) [0x55d0f3b1c67e]',
      '(BlueStore::_kv_sync_thread()+0x1b2a) [0x55d0f41a3d7a]',
      '(BlueStore::KVSyncThread::entry()+0x11) [0x55d0f41cc201]',
      '/lib64/libpthread.so.0(+0x81ca) [0x7f5b1c8c91ca]',
      'clone()',
    ],
  };
}

/** The dump the manager writes when module `module`'s command handler raises (a Python `KeyError`). */
export function mgrModuleDump(mgr: string, module: string, host: string, now: number, seed: number): CrashReport {
  return {
    ...base(`mgr.${mgr}`, 'ceph-mgr', host, now, [seed, 0x3a9, now]),
    backtrace: [
      `  File "/usr/share/ceph/mgr/mgr_module.py", line 1609, in _handle_command\n    return self.handle_command(inbuf, cmd)`,
      `  File "/usr/share/ceph/mgr/${module}/module.py", line 421, in handle_command\n    plan = self.plans[command['plan']]`,
      "KeyError: 'plan'",
    ],
    mgr_module: module,
    mgr_module_caller: 'ActivePyModule::handle_command',
    mgr_python_exception: 'KeyError',
  };
}
