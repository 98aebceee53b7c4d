import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { FIXTURES, readJsonl, WHOLE_TRACE } from '../helpers.ts';

class Raiser extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}
class Reader extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

/** The shape of a JSON value: its keys (recursively), types, and the shape of array items. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
    );
  }
  return typeof v;
}

const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };

describe('health checks', () => {
  it("`health detail` merges the monitors' checks and a module's, in Ceph's shape field for field; {} clears", async () => {
    const h = await createModuleHarness<Raiser>({ module: Raiser, name: 'raiser', others: { reader: Reader } });
    const firstHealth = readJsonl<{ kind: string; map?: { checks: object } }>(WHOLE_TRACE).filter(
      (e) => e.kind === 'health',
    )[20]!;
    await h.push(firstHealth);
    h.module.set_health_checks({
      RAISER_ONE: { severity: 'warning', summary: 'one thing is off', count: 2, detail: ['first', 'second'] },
      RAISER_TWO: { severity: 'error', summary: 'another thing is broken', detail: ['only'] },
    });
    const [rc, out] = await h.host.commands.run({ prefix: 'health', detail: 'detail', format: 'json' }, admin);
    assert.equal(rc, 0);
    const health = JSON.parse(out);
    const real = JSON.parse(readFileSync(join(FIXTURES, 'cli-health_detail.json'), 'utf8'));
    const realCheck = Object.values(real.checks)[0];
    assert.deepEqual(shape(health.checks.RAISER_ONE), shape(realCheck));
    assert.deepEqual(shape({ ...health, checks: {} }), shape({ ...real, checks: {} }));
    assert.deepEqual(health.checks.RAISER_ONE, {
      severity: 'HEALTH_WARN',
      summary: { message: 'one thing is off', count: 2 },
      detail: [{ message: 'first' }, { message: 'second' }],
      muted: false,
    });
    assert.deepEqual(health.checks.RAISER_TWO.summary, { message: 'another thing is broken', count: 1 });
    assert.equal(health.status, 'HEALTH_ERR');
    // Another module reading get('health') sees them too, as a Ceph module does once the monitors have them.
    const seen = JSON.parse(h.host.modules.instance<Reader>('reader')!.get('health')!.json);
    assert.deepEqual(
      Object.keys(seen.checks).sort(),
      [...Object.keys(firstHealth.map!.checks), 'RAISER_ONE', 'RAISER_TWO'].sort(),
    );
    h.module.set_health_checks({});
    const [, after] = await h.host.commands.run({ prefix: 'health', format: 'json' }, admin);
    assert.equal(JSON.parse(after).checks.RAISER_ONE, undefined);
    await h.stop();
  });

  it("a module's checks go when it is disabled", async () => {
    const h = await createModuleHarness<Reader>({ module: Reader, name: 'reader', others: { raiser: Raiser } });
    h.host.modules
      .instance<Raiser>('raiser')!
      .set_health_checks({ RAISER_ONE: { severity: 'warning', summary: 's', detail: [] } });
    assert.ok('RAISER_ONE' in h.host.health.all());
    await h.host.modules.disable('raiser', { persist: false });
    assert.equal('RAISER_ONE' in h.host.health.all(), false);
    const [, text] = await h.host.commands.run({ prefix: 'health' }, admin);
    assert.equal(text, 'HEALTH_OK');
    await h.stop();
  });
});
