import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createModuleHarness, type ModuleHarness } from '../../src/entry/testing.ts';
import { EvalMixin, MgrModule, type NotifyType } from '../../src/index.ts';
import { WHOLE_TRACE } from '../helpers.ts';

// Long enough that a loaded machine does not stop ordinary inputs; short enough to test the limit.
class Probe extends EvalMixin(MgrModule, 'mgr probe eval', { timeoutMs: 2000 }) {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  double(n: number): number {
    return n * 2;
  }
}

describe('EvalMixin: a module evaluates JavaScript with `mgr` bound to it', () => {
  let h: ModuleHarness<Probe>;
  const evaluate = (source: string, extra: Record<string, unknown> = {}, caps = 'rw') =>
    h.host.commands.run({ prefix: 'mgr probe eval', ...extra }, { entity: 'client.admin', caps, inbuf: source });

  before(async () => {
    h = await createModuleHarness<Probe>({ module: Probe, name: 'probe' });
    await h.replay(WHOLE_TRACE, 200);
  });
  after(() => h.stop());

  it("prints values as Node's REPL does, awaiting promises, and keeps what an input defines", async () => {
    assert.deepEqual(await evaluate('mgr.get_mgr_id()'), [0, "'x'\n", '']);
    assert.deepEqual(await evaluate("mgr.get('osd_map').epoch"), [0, '46\n', '']);
    assert.deepEqual(await evaluate('Promise.resolve(mgr.double(21))'), [0, '42\n', '']);
    assert.deepEqual(await evaluate("await mgr.remote('probe', 'double', 4)"), [0, '8\n', '']);
    assert.deepEqual(await evaluate('{a: 1, b: [1, 2]}'), [0, '{ a: 1, b: [ 1, 2 ] }\n', '']);
    assert.deepEqual(await evaluate('const x = 41'), [0, 'undefined\n', '']);
    assert.deepEqual(await evaluate('function inc(v) {\n  return v + 1\n}\ninc(x)'), [0, '42\n', '']);
    assert.deepEqual(await evaluate('console.log("hello"); "done"'), [0, "hello\n'done'\n", '']);
  });

  it('takes the source as `s` too, and answers in a format when asked', async () => {
    assert.deepEqual(await evaluate('', { s: '1 + 1' }), [0, '2\n', '']);
    assert.deepEqual(await evaluate('({ epoch: mgr.get("osd_map").epoch })', { format: 'json' }), [
      0,
      '{\n  "epoch": 46\n}\n',
      '',
    ]);
    assert.deepEqual(await evaluate(''), [-22, '', 'source is not specified']);
  });

  it('answers an error with its message and -EINVAL, and the module and host are as they were', async () => {
    assert.deepEqual(await evaluate('throw new Error("boom")'), [-22, '', 'Uncaught Error: boom']);
    const [r, , err] = await evaluate("mgr.get('nonsense')");
    assert.equal(r, -22);
    assert.match(err, /^Uncaught MgrError \[MGR_ERR_GET_UNKNOWN_NAME\]: unknown data name "nonsense"/);
    assert.deepEqual(await evaluate('1 +'), [-22, '', 'Uncaught SyntaxError: Unexpected end of input']);
    assert.deepEqual(await evaluate('throw "just a string"'), [-22, '', "Uncaught 'just a string'"]);
    assert.deepEqual(await evaluate('console.log("before"); null.x'), [
      -22,
      'before\n',
      "Uncaught TypeError: Cannot read properties of null (reading 'x')",
    ]);
    assert.equal(h.host.modules.stats().probe?.errors, 0);
    assert.equal(h.host.modules.stats().probe?.status, 'running');
    assert.equal(h.host.health.all().MGR_MODULE_ERROR, undefined);
    assert.deepEqual(await evaluate('mgr.get_mgr_id()'), [0, "'x'\n", '']);
  });

  it('stops code that runs too long or never settles', async () => {
    const [r1, , e1] = await evaluate('while (true) {}');
    assert.deepEqual(
      [r1, e1],
      [-22, 'Uncaught Error [ERR_SCRIPT_EXECUTION_TIMEOUT]: Script execution timed out after 2000ms'],
    );
    assert.deepEqual(await evaluate('new Promise(() => {})'), [
      -22,
      '',
      'Uncaught Error: the promise did not settle within 2 s',
    ]);
    assert.deepEqual(await evaluate('mgr.double(2)'), [0, '4\n', '']);
  });

  it('is refused to a client without rw caps', async () => {
    const [r, , err] = await evaluate('mgr.get_mgr_id()', {}, 'r');
    assert.equal(r, -13);
    assert.match(err, /access denied/);
  });
});
