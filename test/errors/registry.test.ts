/**
 * The error registry: every published code is raised somewhere in src/ or says in `reserved` why it is not, and the
 * command router and the admin socket answer with the registry's errnos.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CommandTable } from '../../src/commands/command-table.ts';
import { parseDescriptor } from '../../src/commands/descriptor.ts';
import { dispatch } from '../../src/commands/router.ts';
import { ERRORS, type ErrorCode } from '../../src/errors.ts';
import { AdminClient } from '../../src/server/admin-client.ts';
import { AdminSocket } from '../../src/server/admin-socket.ts';
import { tempDir } from '../helpers.ts';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The text of src/ without the registry itself, where every code is named once by definition. */
function sourceOutsideRegistry(): string {
  return sourceFiles(SRC)
    .map((f) => {
      const text = readFileSync(f, 'utf8');
      if (f !== join(SRC, 'errors.ts')) return text;
      const start = text.indexOf('export const ERRORS = {');
      const end = text.indexOf('} as const satisfies', start);
      assert.ok(start >= 0 && end > start, 'the registry literal in src/errors.ts');
      return text.slice(0, start) + text.slice(end);
    })
    .join('\n');
}

const reserved = (code: ErrorCode): string | undefined => (ERRORS[code] as { reserved?: string }).reserved;

function table(): CommandTable {
  const t = new CommandTable();
  t.add({
    signature: parseDescriptor('probe add name=n,type=CephInt,range=0|10'),
    desc: 'adds',
    perm: 'rw',
    poll: false,
    module: null,
    run: async (cmd) => [0, String(cmd.n), ''],
  });
  return t;
}

const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };

describe('error registry', () => {
  it('every code is raised in src/ by its quoted name, or is reserved with a reason', () => {
    const text = sourceOutsideRegistry();
    const unused = (Object.keys(ERRORS) as ErrorCode[]).filter(
      (code) => !text.includes(`'${code}'`) && reserved(code) === undefined,
    );
    assert.deepEqual(unused, [], 'codes neither raised nor marked reserved');
  });

  it('a reserved code says why, and is not raised after all', () => {
    const text = sourceOutsideRegistry();
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const why = reserved(code);
      if (why === undefined) continue;
      assert.ok(why.trim().length > 10, `${code}: a reason`);
      assert.ok(!text.includes(`'${code}'`), `${code} is raised: drop its reserved mark`);
    }
  });

  it('has unique codes and a known errno for each', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      assert.ok(/^MGR_ERR_[A-Z0-9_]+$/.test(code), code);
      assert.ok(Number.isInteger(e.errno) && e.errno > 0, code);
      assert.ok(e.message.length > 0, code);
    }
  });
});

describe('commands answer with the registry errnos', () => {
  it('the router: unknown command, bad argument, missing prefix, denied caps', async () => {
    const t = table();
    const unknown = await dispatch(t, { prefix: 'probe ad', n: 1 }, admin);
    assert.equal(unknown[0], -ERRORS.MGR_ERR_COMMAND_UNKNOWN.errno);
    assert.match(unknown[2], /^no valid command found for prefix "probe ad"; did you mean "probe add"\?$/);
    const bad = await dispatch(t, { prefix: 'probe add', n: 11 }, admin);
    assert.equal(bad[0], -ERRORS.MGR_ERR_COMMAND_INVALID.errno);
    assert.match(bad[2], /^Invalid command: /);
    const noPrefix = await dispatch(t, { n: 1 }, admin);
    assert.deepEqual(noPrefix, [-ERRORS.MGR_ERR_COMMAND_INVALID.errno, '', 'command has no "prefix"']);
    const denied = await dispatch(t, { prefix: 'probe add', n: 1 }, { ...admin, caps: 'r' });
    assert.equal(denied[0], -ERRORS.MGR_ERR_COMMAND_DENIED.errno);
    assert.deepEqual(await dispatch(t, { prefix: 'probe add', n: 3 }, admin), [0, '3', '']);
  });

  it('the admin socket: unknown command, bad argument, malformed and oversized requests', async (t) => {
    const commands = table();
    const path = join(tempDir(t, 'mgrkit-errs-'), 'mgr.sock');
    const socket = await AdminSocket.listen(
      path,
      (req) => dispatch(commands, req.cmd, { entity: req.entity, caps: 'rw', inbuf: req.inbuf }),
      { maxRequestBytes: 1024 },
    );
    t.after(() => socket.close());
    const c = await AdminClient.connect(path);
    t.after(() => c.close());
    assert.equal((await c.send({ prefix: 'nosuch' })).retval, -ERRORS.MGR_ERR_COMMAND_UNKNOWN.errno);
    assert.equal((await c.send({ prefix: 'probe add', n: 'x' })).retval, -ERRORS.MGR_ERR_COMMAND_INVALID.errno);
    assert.equal((await c.sendRaw('{"prefix": ')).retval, -ERRORS.MGR_ERR_REQUEST_MALFORMED.errno);
    assert.equal((await c.sendRaw('[1, 2]')).retval, -ERRORS.MGR_ERR_REQUEST_MALFORMED.errno);
    const big = await c.sendRaw(JSON.stringify({ prefix: 'probe add', n: 1, pad: 'x'.repeat(2048) }));
    assert.equal(big.retval, -ERRORS.MGR_ERR_REQUEST_TOO_LARGE.errno);
    assert.equal(big.stderr, 'request larger than 1024 bytes');
  });
});
