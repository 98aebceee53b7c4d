import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterStatus } from '../../modules/status/module.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule } from '../../src/index.ts';

const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };

/** A module reporting progress as Ceph's modules do. */
class Reporter extends MgrModule {
  static NOTIFY_TYPES = [];
}

async function statusWithProgress() {
  const h = await createModuleHarness<MgrModule & { status(): ClusterStatus; text(): string }>({
    module: 'status',
    others: ['progress'],
  });
  return h;
}

describe('progress events', () => {
  it('without the progress module, update/complete_progress_event set the manager events as Ceph dumps them', async () => {
    const h = await createModuleHarness<Reporter>({ module: Reporter, name: 'reporter' });
    assert.equal(h.host.modules.instance('progress'), undefined);
    assert.deepEqual(h.module.get_progress_events(), {});
    await h.module.update_progress_event('ev-1', 'Rebalancing after osd.0 marked out', 0.25, true);
    await h.module.update_progress_event('ev-0', 'not in the text', 0.5);
    // Ceph's ProgressEvent::dump: message, progress, add_to_ceph_s; the map keyed by id, in id order.
    assert.deepEqual(JSON.parse(JSON.stringify(h.module.get_progress_events())), {
      'ev-0': { message: 'not in the text', progress: 0.5, add_to_ceph_s: false },
      'ev-1': { message: 'Rebalancing after osd.0 marked out', progress: 0.25, add_to_ceph_s: true },
    });
    assert.deepEqual(Object.keys(h.module.get_progress_events()), ['ev-0', 'ev-1']);
    await h.module.complete_progress_event('ev-1');
    assert.deepEqual(Object.keys(h.module.get_progress_events()), ['ev-0']);
    h.module.clear_all_progress_events();
    assert.deepEqual(h.module.get_progress_events(), {});
    await h.stop();
  });

  it('through the progress module: `progress`, `progress json`, status with the two-line bar, complete and fail', async () => {
    const h = await statusWithProgress();
    const run = (prefix: string) => h.host.commands.run({ prefix }, admin);
    assert.deepEqual(await run('progress'), [0, '', 'Nothing in progress']);

    await h.module.update_progress_event('ev-a', 'Global Recovery Event', 0.5, true);
    const s = h.module.status();
    assert.deepEqual(Object.keys(s.progress_events), ['ev-a']);
    const ev = s.progress_events['ev-a']!;
    assert.equal(ev.progress, 0.5);
    assert.equal(ev.add_to_ceph_s, true);
    // The progress module's twoline form: "message (duration)", then the 30-wide bar indented by 6.
    assert.match(ev.message, /^Global Recovery Event \(\d+s\)\n {6}\[={14}\.{14}\]/);
    assert.match(h.module.text(), /\nprogress:\n {4}Global Recovery Event \(\d+s\)\n {6}\[=+\.+\]/);

    await h.module.update_progress_event('ev-h', 'not in the text', 0.2);
    assert.deepEqual(Object.keys(h.module.status().progress_events), ['ev-a', 'ev-h']);
    assert.doesNotMatch(h.module.text(), /not in the text/);
    await h.module.complete_progress_event('ev-h');

    const [rc, out] = await run('progress');
    assert.equal(rc, 0);
    assert.match(out, /^Global Recovery Event \(\d+s\)\n {4}\[={14}\.{14}\]/);

    const json = JSON.parse((await run('progress json'))[1]) as {
      events: Array<Record<string, unknown>>;
      completed: Array<Record<string, unknown>>;
    };
    assert.deepEqual(
      json.completed.map((c) => c.id),
      ['ev-h'],
    );
    assert.equal(json.events.length, 1);
    assert.deepEqual(Object.keys(json.events[0]!).sort(), [
      'duration',
      'id',
      'message',
      'progress',
      'refs',
      'started_at',
      'time_remaining',
    ]);
    assert.equal(json.events[0]!.id, 'ev-a');
    assert.equal(json.events[0]!.message, 'Global Recovery Event');

    await h.module.update_progress_event('ev-b', 'Updating mgr deployment', 0.1);
    await h.module.complete_progress_event('ev-a');
    await h.module.fail_progress_event('ev-b', 'host went away');
    assert.deepEqual(h.module.status().progress_events, {});
    assert.doesNotMatch(h.module.text(), /progress:/);

    const after = JSON.parse((await run('progress json'))[1]) as {
      events: unknown[];
      completed: Array<Record<string, unknown>>;
    };
    assert.deepEqual(after.events, []);
    assert.deepEqual(
      after.completed.map((c) => [c.id, c.failed ?? false, c.failure_message ?? null, c['add_to_ceph_s:']]),
      [
        ['ev-h', false, null, false],
        ['ev-a', false, null, true],
        ['ev-b', true, 'host went away', false],
      ],
    );
    const [, listing] = await run('progress');
    assert.match(listing, /\[Complete\]: Global Recovery Event/);
    assert.match(listing, /\[Failed\]: Updating mgr deployment/);

    assert.deepEqual(await run('progress clear'), [0, '', '']);
    assert.deepEqual(await run('progress'), [0, '', 'Nothing in progress']);
    await h.stop();
  });

  it('progress off ignores updates and progress on takes them again', async () => {
    const h = await statusWithProgress();
    const run = (prefix: string) => h.host.commands.run({ prefix }, admin);
    assert.deepEqual(await run('progress off'), [0, '', 'progress disabled']);
    await h.module.update_progress_event('ev-x', 'ignored', 0.3, true);
    assert.deepEqual(h.module.status().progress_events, {});
    assert.deepEqual(await run('progress on'), [0, '', 'progress enabled']);
    await h.module.update_progress_event('ev-y', 'kept', 0.3, true);
    assert.deepEqual(Object.keys(h.module.status().progress_events), ['ev-y']);
    await h.module.complete_progress_event('ev-y');
    assert.deepEqual(h.module.status().progress_events, {});
    await h.stop();
  });

  it('a module of its own reports through the progress module', async () => {
    const h = await createModuleHarness<Reporter>({ module: Reporter, name: 'reporter', others: ['progress'] });
    await h.module.update_progress_event('r-1', 'Reporter work', 0.75, true);
    assert.equal(h.module.get_progress_events()['r-1']?.progress, 0.75);
    const [, out] = await h.host.commands.run({ prefix: 'progress' }, admin);
    assert.match(out, /^Reporter work/);
    await h.module.complete_progress_event('r-1');
    assert.deepEqual(h.module.get_progress_events(), {});
    await h.stop();
  });
});
