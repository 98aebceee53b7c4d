import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EmptyResponder,
  ErrorResponse,
  ErrorResponseBase,
  ErrorResponseHandler,
  formatObject,
  type HandleCommandResult,
  Responder,
  UnknownFormat,
  UnsupportedFormat,
} from '../../src/index.ts';

class Fixture {
  @Responder()
  alpha({ name = 'default' }: { name?: string }) {
    return { alpha: 'one', name, weight: 300 };
  }

  @ErrorResponseHandler()
  z_err({ name }: { name: string }) {
    if (name.includes('z')) throw new ErrorResponse(`${name} bad`);
    return [0, name, ''];
  }

  @EmptyResponder()
  empty({ name, retval }: { name: string; retval?: number }) {
    if (name === 'pow') throw new ErrorResponse(name, retval ?? -5);
  }

  @EmptyResponder()
  empty_bad() {
    return 5;
  }

  @Responder()
  boom() {
    throw new Error('not an ErrorResponse');
  }
}

const tuple = (r: unknown) => (r as HandleCommandResult).toTuple();

describe('object_format', () => {
  it('formats JSON with sorted keys and a 2-space indent, YAML in block style with numeric strings quoted', () => {
    assert.equal(formatObject({}, 'json'), '{}');
    assert.equal(formatObject({ b: 1, a: [1, 2] }, undefined), '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}');
    assert.equal(formatObject({}, 'yaml'), '{}\n');
    assert.equal(formatObject({ name: 'foobar' }, 'yaml'), 'name: foobar\n');
    assert.equal(formatObject({ stuff: [1, 88, 909, 32] }, 'yaml'), 'stuff:\n- 1\n- 88\n- 909\n- 32\n');
    assert.equal(
      formatObject({ version: 1, value: '999', name: 'zebulon' }, 'yaml'),
      "name: zebulon\nvalue: '999'\nversion: 1\n",
    );
    const simplified = { to_simplified: () => ({ version: 1, name: 'bob', value: {} }) };
    assert.equal(formatObject(simplified, 'json'), '{\n  "name": "bob",\n  "value": {},\n  "version": 1\n}');
    assert.equal(formatObject('some text', 'plain'), 'some text');
  });

  it('rejects unknown formats and formats it cannot produce, before the handler runs', async () => {
    assert.deepEqual(new UnknownFormat('chocolate').format_response(), [-22, '', 'Unknown format name: chocolate']);
    assert.deepEqual(new UnsupportedFormat('cheese').format_response(), [-22, '', 'Unsupported format: cheese']);
    const f = new Fixture();
    assert.deepEqual(tuple(await f.alpha({ name: 'moonbase' } as never)), [
      0,
      '{\n  "alpha": "one",\n  "name": "moonbase",\n  "weight": 300\n}',
      '',
    ]);
    assert.deepEqual(tuple(await f.alpha({ name: 'moonbase2', format: 'yaml' } as never)), [
      0,
      'alpha: one\nname: moonbase2\nweight: 300\n',
      '',
    ]);
    assert.deepEqual(tuple(await f.alpha({ format: 'json-pretty' } as never)), [
      0,
      '{\n  "alpha": "one",\n  "name": "default",\n  "weight": 300\n}',
      '',
    ]);
    assert.deepEqual(tuple(await f.alpha({ format: 'chocolate' } as never)), [
      -22,
      '',
      'Unknown format name: chocolate',
    ]);
    assert.deepEqual(tuple(await f.alpha({ format: 'xml' } as never)), [-22, '', 'Unsupported format: xml']);
    assert.deepEqual(tuple(await f.alpha({ format: 'plain' } as never)), [-22, '', 'Unsupported format: plain']);
  });

  it('ErrorResponseHandler converts only ErrorResponses; EmptyResponder answers nothing, or the error', async () => {
    const f = new Fixture();
    assert.deepEqual(await f.z_err({ name: 'foobar' }), [0, 'foobar', '']);
    assert.deepEqual(tuple(await f.z_err({ name: 'zamboni' })), [-22, '', 'zamboni bad']);
    assert.deepEqual(tuple(await f.empty({ name: 'zucchini' })), [0, '', '']);
    assert.deepEqual(tuple(await f.empty({ name: 'pow' })), [-5, '', 'pow']);
    assert.deepEqual(tuple(await f.empty({ name: 'pow', retval: 0 })), [0, '', 'pow']);
    await assert.rejects(async () => f.empty_bad(), {
      name: 'MgrError',
      code: 'MGR_ERR_COMMAND_FAILED',
      message: 'EmptyResponder expects nothing from wrapped functions',
    });
    await assert.rejects(async () => f.boom(), /not an ErrorResponse/);
  });

  it('ErrorResponse carries its errno; wrap() takes the message and errno of any error', () => {
    const e = new ErrorResponse('nope');
    assert.deepEqual(e.format_response(), [-22, '', 'nope']);
    assert.equal(e.errno, 22);
    assert.equal(e.mgr_return_value(), -22);
    const enoent = Object.assign(new Error('ENOENT: no such file or directory'), { errno: -2 });
    assert.deepEqual(ErrorResponse.wrap(enoent).format_response(), [-2, '', 'ENOENT: no such file or directory']);
    assert.deepEqual(ErrorResponse.wrap(new Error('blat')).format_response(), [-22, '', 'blat']);
    assert.deepEqual(ErrorResponse.wrap(Object.assign(new Error('no can do'), { errno: 8 })).format_response(), [
      -8,
      '',
      'no can do',
    ]);
    assert.deepEqual(ErrorResponse.wrap(Object.assign(new Error('ok, fine'), { errno: 0 })).format_response(), [
      0,
      '',
      'ok, fine',
    ]);
    const own = new UnsupportedFormat('x');
    assert.equal(ErrorResponse.wrap(own), own);
    assert.throws(() => new ErrorResponseBase('x').format_response());
  });
});
