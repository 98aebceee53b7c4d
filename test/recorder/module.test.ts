import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayTrace } from '../../src/run/replay.ts';
import { Store } from '../../src/store/store.ts';
import { FIXTURES, ROOT, tempDir } from '../helpers.ts';
import { PYTHON3_MISSING } from './recorder-python.ts';

// mgrkit_recorder outside ceph-mgr: a stand-in `mgr_module` whose accessors answer what real ceph-mgr 16.2.15
// answered (test/fixtures/ceph-pacific/accessors-3osd.json), so the module's own logic runs here in a second. Its
// real run inside ceph-mgr is test/ceph/recorder.int.ts.

const MGR_MODULE = `
import enum, json, logging, sys, threading
from collections import namedtuple

DATA = json.load(open(sys.argv[1]))
GET = DATA['get']
# Every set_health_checks() call notifies it, so a driver waits for a health check rather than polling.
HEALTH = threading.Condition()

class NotifyType(str, enum.Enum):
    mon_map = 'mon_map'
    osd_map = 'osd_map'
    fs_map = 'fs_map'
    health = 'health'
    clog = 'clog'

class Option(dict):
    def __init__(self, name, default=None, type='str', desc=None, min=None, max=None, runtime=False, **kw):
        super().__init__(name=name, default=default, type=type)

HandleCommandResult = namedtuple('HandleCommandResult', ['retval', 'stdout', 'stderr'], defaults=[0, '', ''])

def CLIReadCommand(prefix):
    return lambda f: f

def CLICommand(prefix, perm='rw', poll=False):
    return lambda f: f

class MgrModule:
    OPTIONS = {}
    # While set, get('osd_map') waits on it: a get as slow as the driver wants. IN_GET says one is waiting.
    HOLD_GET = None
    IN_GET = threading.Event()

    def __init__(self, *args, **kwargs):
        self.log = logging.getLogger('mgrkit_recorder')
        self.health = []

    def get_module_option(self, name):
        for o in self.MODULE_OPTIONS:
            if o['name'] == name:
                return self.OPTIONS.get(name, o['default'])
        raise KeyError(name)

    def get(self, name):
        hold = MgrModule.HOLD_GET
        if name == 'osd_map' and hold is not None:
            MgrModule.IN_GET.set()
            hold.wait()
        return json.loads(json.dumps(GET[name]))

    def have_mon_connection(self):
        return True

    def get_mgr_id(self):
        return 'x'

    def list_servers(self):
        return DATA['list_servers']

    def get_metadata(self, svc_type, svc_id):
        return DATA['get_metadata_osd0'] if (svc_type, svc_id) == ('osd', '0') else None

    def get_perf_schema(self, svc_type, svc_id):
        return DATA['get_perf_schema_osd0'] if (svc_type, svc_id) == ('osd', '0') else {}

    def get_latest_counter(self, svc_type, svc_id, path):
        return DATA['get_latest_counter_osd0_op_w'] if path == 'osd.op_w' else {path: []}

    def get_daemon_status(self, svc_type, svc_id):
        return {}

    def get_daemon_health_metrics(self):
        return {'osd.0': [{'value': 0, 'type': 'SLOW_OPS'}, {'value': 3, 'type': 'PENDING_CREATING_PGS'}],
                'mon.a': [{'value': 0, 'type': 'SLOW_OPS'}]}

    def mon_command(self, cmd):
        return -1, '', 'no monitors here'

    def set_health_checks(self, checks):
        with HEALTH:
            self.health.append(checks)
            HEALTH.notify_all()
`;

const RUN = `
import json, sys, threading
sys.path.insert(0, sys.argv[2])
sys.path.insert(0, sys.argv[3])
import mgr_module
from mgrkit_recorder import Module

mgr_module.MgrModule.OPTIONS = {'output': sys.argv[4], 'queue_size': 10, 'stats_period': 0.5, 'poll_period': 0.2}
m = Module()
t = threading.Thread(target=m.serve)
# The recorder thread held in a get() (its queue of 10 made by then) while the manager notifies in a burst: the
# queue overflows.
hold = threading.Event()
mgr_module.MgrModule.HOLD_GET = hold
t.start()
assert mgr_module.MgrModule.IN_GET.wait(20), 'the recorder thread never called get()'
assert m.cues.maxsize == 10
for i in range(200):
    m.notify(mgr_module.NotifyType.osd_map, '')
    m.notify(mgr_module.NotifyType.clog, {'name': 'mon.a', 'rank': 'mon.0', 'stamp': '2026-11-25T02:28:58.904575+0000',
                                         'seq': i, 'channel': 'cluster', 'priority': '[INF]', 'message': 'm%d' % i})
mgr_module.MgrModule.HOLD_GET = None
hold.set()
with mgr_module.HEALTH:
    mgr_module.HEALTH.wait_for(lambda: any('MGRKIT_RECORDER_DROPS' in h for h in m.health), 20)
status = json.loads(m.status().stdout)
m.shutdown()
t.join()
print(json.dumps({'status': status, 'health': m.health}))
`;

describe('mgrkit_recorder', { skip: PYTHON3_MISSING }, () => {
  it('counts notifications it drops when its queue is full, raises MGRKIT_RECORDER_DROPS, and writes only valid events', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'mgr_module.py'), MGR_MODULE);
    const out = join(dir, 'cluster.jsonl');
    const res = JSON.parse(
      execFileSync('python3', ['-c', RUN, join(FIXTURES, 'accessors-3osd.json'), dir, join(ROOT, 'recorder'), out], {
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
        timeout: 30_000,
      }).toString(),
    ) as {
      status: {
        drops: number;
        queue: number;
        events_written: number;
        notify: { count: number };
        per_cue: { count: number };
      };
      health: Array<Record<string, { severity: string; count: number; summary: string }>>;
    };
    assert.equal(res.status.notify.count, 400);
    assert.ok(res.status.drops > 100, `${res.status.drops} drops`);
    const raised = res.health.find((h) => h.MGRKIT_RECORDER_DROPS !== undefined)!.MGRKIT_RECORDER_DROPS!;
    assert.equal(raised.severity, 'warning');
    assert.ok(raised.count > 0);
    assert.match(raised.summary, /dropped \d+ notifications/);
    // Every notification was either handled, still queued, or dropped and counted: none vanishes.
    assert.equal(res.status.per_cue.count + res.status.queue + res.status.drops, 400);

    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    assert.equal(lines.length, res.status.events_written);
    const events = lines.map((l) => JSON.parse(l) as { kind: string; entry?: { seq: number } });
    // Each file (and connection) starts with where the monitor session stands, then the maps whole.
    assert.deepEqual(
      events.slice(0, 4).map((e) => e.kind),
      ['mon_session', 'mon_map', 'osd_map', 'fs_map'],
    );
    assert.equal((events[0] as { state?: string }).state, 'up');
    const seqs = events.filter((e) => e.kind === 'clog').map((e) => e.entry!.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    // Each daemon report carries the daemon's health metrics as get_daemon_health_metrics gave them.
    const reports = events.filter((e) => e.kind === 'daemon_report') as unknown as Array<{
      daemon: string;
      health_metrics?: unknown;
    }>;
    assert.ok(reports.length > 0);
    for (const r of reports) {
      assert.equal(r.daemon, 'osd.0');
      assert.deepEqual(r.health_metrics, [
        { type: 'SLOW_OPS', value: 0 },
        { type: 'PENDING_CREATING_PGS', value: 3 },
      ]);
    }
    const store = Store.open(join(dir, 'db'));
    try {
      const { summary } = await replayTrace({ trace: out, store, strict: true });
      assert.equal(summary.stoppedAt, null);
      assert.equal(summary.events.rejected, 0);
      assert.equal(summary.events.accepted, lines.length);
    } finally {
      await store.close();
    }
  });
});
