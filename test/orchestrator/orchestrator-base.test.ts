import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import {
  type HostSpec,
  handleOrchError,
  MgrError,
  NoOrchestrator,
  type NotifyType,
  Orchestrator,
  OrchestratorError,
  OrchNotImplemented,
  type OrchResult,
  parsePlacement,
  parseServiceSpec,
  placementMatches,
  placementText,
  raiseIfException,
} from '../../src/index.ts';

const { ENOENT, EINVAL } = constants.errno;
const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };

/** A backend that implements nothing: every interface method keeps the base class's default. */
class Bare extends Orchestrator {
  static NOTIFY_TYPES: NotifyType[] = [];
}

/** A backend that knows its hosts and fails one call with its own errno. */
class OneHost extends Orchestrator {
  static NOTIFY_TYPES: NotifyType[] = [];
  get_hosts() {
    return handleOrchError((): HostSpec[] => [{ hostname: 'h1', addr: '10.0.0.1', labels: ['x'], status: '' }]);
  }
  remove_host(name: string) {
    return handleOrchError((): string => {
      throw new OrchestratorError(`Cannot remove host ${name}`, -ENOENT);
    });
  }
}

describe('the Orchestrator base class', () => {
  it('answers every interface method it is not given with a typed not-implemented error (ENOENT)', async () => {
    const h = await createModuleHarness<Bare>({ module: Bare, name: 'bare' });
    try {
      const calls: Array<Promise<OrchResult<unknown>>> = [
        h.module.available(),
        h.module.get_hosts(),
        h.module.add_host({ hostname: 'h', labels: [], status: '' }),
        h.module.remove_host('h'),
        h.module.get_inventory(),
        h.module.describe_service(),
        h.module.list_daemons(),
        h.module.apply([]),
        h.module.remove_service('osd'),
        h.module.service_action('stop', 'osd'),
        h.module.daemon_action('stop', 'osd.0'),
      ];
      for (const r of await Promise.all(calls)) {
        assert.equal(r.result, null);
        assert.equal(r.exception?.code, 'MGR_ERR_ORCH_NOT_IMPLEMENTED');
        assert.equal(r.exception?.errno, ENOENT);
        assert.throws(
          () => raiseIfException(r),
          (e: unknown) => e instanceof OrchNotImplemented && e.errno === ENOENT,
        );
      }
      assert.equal(h.module.is_orchestrator_module(), true);
    } finally {
      await h.stop();
    }
  });

  it('carries results and errnos across remote() as plain OrchResult data', async () => {
    const h = await createModuleHarness({ module: 'orchestrator', others: { onehost: OneHost } });
    try {
      const ok = await h.module.remote<OrchResult<HostSpec[]>>('onehost', 'get_hosts');
      assert.deepEqual(raiseIfException(ok), [{ hostname: 'h1', addr: '10.0.0.1', labels: ['x'], status: '' }]);
      const failed = await h.module.remote<OrchResult<string>>('onehost', 'remove_host', 'h1');
      assert.throws(
        () => raiseIfException(failed),
        (e: unknown) => e instanceof OrchestratorError && e.errno === ENOENT && e.code === 'MGR_ERR_ORCH_FAILED',
      );
    } finally {
      await h.stop();
    }
  });

  it('makes the orch commands answer as Ceph: not configured, unsupported, and errors with their errno', async () => {
    const h = await createModuleHarness({ module: 'orchestrator', others: { bare: Bare, onehost: OneHost } });
    try {
      const [rc, , err] = await h.host.commands.run({ prefix: 'orch ls' }, admin);
      assert.equal(rc, -ENOENT);
      assert.equal(err, 'No orchestrator configured (try `ceph orch set backend`)');

      assert.equal((await h.host.commands.run({ prefix: 'orch set backend', module_name: 'nope' }, admin))[0], -EINVAL);
      assert.equal((await h.host.commands.run({ prefix: 'orch set backend', module_name: 'bare' }, admin))[0], 0);
      const [rc2, , err2] = await h.host.commands.run({ prefix: 'orch host ls' }, admin);
      assert.equal(rc2, -ENOENT);
      assert.equal(err2, 'This Orchestrator does not support `orch host ls`');

      assert.equal((await h.host.commands.run({ prefix: 'orch set backend', module_name: 'onehost' }, admin))[0], 0);
      const [rc3, out3] = await h.host.commands.run({ prefix: 'orch host ls' }, admin);
      assert.equal(rc3, 0);
      assert.match(out3, /^HOST\s+ADDR\s+LABELS\s+STATUS\nh1\s+10\.0\.0\.1\s+x/);
      const [rc4, out4] = await h.host.commands.run({ prefix: 'orch host ls', format: 'json' }, admin);
      assert.equal(rc4, 0);
      assert.equal(JSON.parse(out4)[0].hostname, 'h1');
      const [rc5, , err5] = await h.host.commands.run({ prefix: 'orch host rm', hostname: 'h1' }, admin);
      assert.equal(rc5, -ENOENT);
      assert.equal(err5, 'Cannot remove host h1');
    } finally {
      await h.stop();
    }
  });
});

describe('orchestrator errors and specs', () => {
  it('gives NoOrchestrator Ceph text and ENOENT, and OrchestratorError EINVAL unless told', () => {
    const none = new NoOrchestrator();
    assert.equal(none.message, 'No orchestrator configured (try `ceph orch set backend`)');
    assert.equal(none.errno, ENOENT);
    assert.ok(none instanceof MgrError);
    assert.equal(new OrchestratorError('x').errno, EINVAL);
  });

  it('parses placements as Ceph’s PlacementSpec.from_string', () => {
    assert.deepEqual(parsePlacement('3 node01 node02'), { count: 3, hosts: ['node01', 'node02'] });
    assert.deepEqual(parsePlacement('label:osd'), { label: 'osd' });
    assert.deepEqual(parsePlacement('*'), { host_pattern: '*' });
    assert.equal(placementText(parsePlacement('count:2;node01')), 'count:2;node01');
    assert.ok(placementMatches({ host_pattern: 'node0*' }, 'node03'));
    assert.ok(!placementMatches({ hosts: ['node01'] }, 'node02'));
  });

  it('rejects an invalid service spec with a typed EINVAL error naming the field', () => {
    assert.throws(
      () => parseServiceSpec({ service_type: 'nope' }),
      (e: unknown) =>
        e instanceof OrchestratorError && e.code === 'MGR_ERR_ORCH_SPEC_INVALID' && /service_type/.test(e.message),
    );
    assert.deepEqual(parseServiceSpec({ service_type: 'osd' }).placement, {});
  });
});
