/**
 * Output formats as Ceph gives them: `plain` for a Responder command with `to_plain` (the status module's text in
 * `ceph status`'s layout), the `{json}` wrappers of `health`/`mon_status` shown parsed by the readable formats and
 * kept as they are by `json`, `mgr services` from the modules' `set_uri`, and the map dumps on a trace without them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue } from '../../src/cli/output.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { WHOLE_TRACE, waitFor } from '../helpers.ts';

class Serving extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  async serve() {
    this.set_uri('http://127.0.0.1:8443/');
  }
}

describe('output formats', () => {
  it('`status -f plain` prints the status in the layout of `ceph status`; json stays the data', async () => {
    const h = await createModuleHarness({ module: 'status' });
    await h.replay(WHOLE_TRACE, 50);
    const [rv, out, err] = await h.command('status', { format: 'plain' });
    assert.deepEqual([rv, err], [0, '']);
    const lines = out.split('\n');
    assert.equal(lines[0], '  cluster:');
    assert.equal(lines[1], '    id:     78e9d72b-7e3d-4aec-980b-84af23f78fb9');
    assert.match(lines[2]!, /^ {4}health: HEALTH_WARN$/);
    assert.deepEqual(
      lines.filter((l) => /^ {2}\w+:$/.test(l)),
      ['  cluster:', '  services:', '  data:'].concat(lines.includes('  io:') ? ['  io:'] : []),
    );
    assert.ok(lines.includes(' '), 'sections are separated by a line holding one space, as in Ceph');
    assert.ok(lines.includes('    mgr: x(active)'));
    assert.ok(lines.includes('    osd: 3 osds: 3 up, 3 in'), out);
    // The data section as PGMapDigest::print_summary prints it, from get('pg_status') at the end of the trace.
    const data = out.slice(out.indexOf('  data:\n')).split('\n \n')[0];
    assert.equal(
      data,
      [
        '  data:',
        '    pools:   2 pools, 65 pgs',
        '    objects: 40.27k objects, 157 MiB',
        '    usage:   121 MiB used, 647 MiB / 768 MiB avail',
        '    pgs:     13.846% pgs unknown',
        '             27999/69222 objects degraded (40.448%)',
        '             15403/69222 objects misplaced (22.252%)',
        '             22 active+recovery_wait+undersized+degraded+remapped',
        '             20 active+recovery_wait+degraded+remapped',
        '             9  stale+active+clean',
        '             9  unknown',
        '             2  active+recovering+degraded+remapped',
        '             2  active+recovering+undersized+degraded+remapped',
        '             1  active+clean',
      ].join('\n'),
    );
    assert.ok(out.endsWith('\n \n  io:\n    recovery: 67 KiB/s, 16 objects/s'), out);
    const [, json] = await h.command('status', { format: 'json' });
    assert.equal(JSON.parse(json).fsid, '78e9d72b-7e3d-4aec-980b-84af23f78fb9');
    const [bad, , why] = await h.command('status', { format: 'html' });
    assert.deepEqual([bad, why], [-22, 'Unknown format name: html']);
    await h.stop();
  });

  it('json-pretty and yaml show the JSON inside `health`; json keeps Ceph\'s {"json": "..."}', async () => {
    const h = await createModuleHarness({ module: 'status' });
    await h.replay(WHOLE_TRACE, 50);
    const health = h.module.get('health');
    assert.ok(health);
    assert.equal(formatValue(health, 'json'), JSON.stringify(health));
    const pretty = JSON.parse(formatValue(health, 'json-pretty'));
    assert.equal(pretty.status, 'HEALTH_WARN');
    assert.equal(typeof pretty.checks, 'object');
    assert.match(formatValue(health, 'yaml'), /^status: HEALTH_WARN$/m);
    // Anything else is shown as it is.
    assert.deepEqual(JSON.parse(formatValue({ json: 'x', other: 1 }, 'json-pretty')), { json: 'x', other: 1 });
    assert.deepEqual(JSON.parse(formatValue({ json: 'not json' }, 'json-pretty')), { json: 'not json' });
    await h.stop();
  });

  it('`mgr services` lists what the running modules published with set_uri', async () => {
    const h = await createModuleHarness({ module: Serving, name: 'serving' });
    // serve() publishes its URI once it runs: wait for it, not for a time.
    const services = await waitFor('the module to publish its URI', async () => {
      const s = JSON.parse((await h.command('mgr services', { format: 'json' }))[1]) as Record<string, string>;
      return s.serving === undefined ? undefined : s;
    });
    assert.deepEqual(services, { serving: 'http://127.0.0.1:8443/' });
    await h.stop();
  });

  it('a map the trace never held is an ENOENT naming why, not a bare null; mgr dump shows the manager itself', async () => {
    const h = await createModuleHarness({ module: 'status' });
    await h.replay(WHOLE_TRACE, 50);
    for (const [prefix, name] of [
      ['mon dump', 'mon_map'],
      ['fs dump', 'fs_map'],
    ] as const) {
      const [rv, out, err] = await h.command(prefix);
      assert.equal(rv, -2);
      assert.equal(out, '');
      assert.match(err, new RegExp(`^no ${name} yet: the source has sent none`));
    }
    // The manager knows its own part of the mgr map: itself, its modules and where they serve.
    const [mrv, mgr] = await h.command('mgr dump', { format: 'json' });
    assert.equal(mrv, 0);
    const own = JSON.parse(mgr);
    assert.deepEqual([own.epoch, own.active_name, own.available, own.standbys, own.services], [0, 'x', true, [], {}]);
    assert.deepEqual(
      own.available_modules.find((m: { name: string }) => m.name === 'status'),
      { name: 'status', can_run: true, error_string: '' },
    );
    const [rv, out] = await h.command('osd dump', { format: 'json' });
    assert.equal(rv, 0);
    assert.equal(JSON.parse(out).epoch, 46);
    await h.stop();
  });
});
