import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stateAt, stateDigest } from '../../src/entry/host.ts';
import { MgrError } from '../../src/errors.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { Store } from '../../src/store/store.ts';
import { PATCH_TRACE, ROOT, runCli, tempDir, waitFor } from '../helpers.ts';
import { referenceReplay } from './reference-replay.ts';

const TRIALS = Number(process.env.MGRKIT_WRITER_TRIALS ?? 2);

function isBusy(e: unknown): boolean {
  return e instanceof MgrError && e.code === 'MGR_ERR_STORE_BUSY';
}

describe('one writer per store', () => {
  it('a second writer is refused while the first holds the store; readers work beside it; it is free after close', async (t) => {
    const db = join(tempDir(t), 'db');
    const first = Store.open(db);
    await first.commit({ events: [{ seq: 1, t: 1000, kind: 'heartbeat' }] });
    assert.throws(() => Store.open(db), isBusy);
    assert.throws(() => Store.open(db, { reset: true }), isBusy);
    assert.equal(first.lastSeq(), 1, 'the refused reset left the journal alone');
    const reader = Store.open(db, { readOnly: true });
    assert.equal(reader.lastSeq(), 1);
    await reader.close();
    await first.close();
    const again = Store.open(db);
    assert.equal(again.lastSeq(), 1);
    await again.close();
  });

  it('the journal only grows: an append that does not follow its last seq is refused whole', async (t) => {
    const store = Store.open(join(tempDir(t), 'db'));
    t.after(() => store.close());
    await store.commit({ events: [{ seq: 1, t: 1, kind: 'heartbeat' }] });
    const cursor = { key: 'trace:x', value: { source: 'x', line: 9, offset: 9, accepted: 9, rejected: 0 } };
    await assert.rejects(
      store.commit({ events: [{ seq: 1, t: 2, kind: 'mon_session', state: 'down' } as never], cursor }),
      (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_STORE_APPEND',
    );
    await assert.rejects(
      store.commit({ events: [{ seq: 3, t: 2, kind: 'heartbeat' }] }),
      (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_STORE_APPEND',
    );
    assert.deepEqual(
      [...store.events(0)].map((e) => [e.seq, e.kind]),
      [[1, 'heartbeat']],
    );
    assert.equal(store.cursor('trace:x'), undefined, 'the cursor of a refused commit was not written either');
  });

  it('a store started from a snapshot (a manager joining a group late) appends after the snapshot', async (t) => {
    const store = Store.open(join(tempDir(t), 'db'));
    t.after(() => store.close());
    await store.commit({ events: [], snapshot: { ...createEmptyState(), seq: 100 } });
    await assert.rejects(
      store.commit({ events: [{ seq: 1, t: 1, kind: 'heartbeat' }] }),
      (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_STORE_APPEND',
    );
    await store.commit({ events: [{ seq: 101, t: 1, kind: 'heartbeat' }] });
    assert.equal(store.lastSeq(), 101);
  });

  it('another process is refused with the holder named, exit 2, and changes nothing (--reset, --set)', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const store = Store.open(db);
    t.after(() => store.close());
    await replayTrace({ trace: PATCH_TRACE, store });
    const before = stateDigest(stateAt(store));
    for (const args of [
      ['replay', PATCH_TRACE, '--db', db, '--reset'],
      ['run', '--db', db, '--reset'],
      ['run', '--db', db, '--set', 'auth/client.x=rw'],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^mgrkit: store ${db} is being written by pid ${process.pid} \\(`));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal(store.lastSeq(), 647);
    assert.equal(stateDigest(stateAt(store)), before);
    const { ConfigStore } = await import('../../src/store/config-store.ts');
    assert.equal(new ConfigStore(store.config).get('auth/client.x'), undefined, 'the refused --set wrote nothing');
  });

  it("a dead holder's lock is taken over at once", async (t) => {
    const db = join(tempDir(t), 'db');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${join(ROOT, 'src/store/store.ts')}').then(({ Store }) => { Store.open(${JSON.stringify(db)}); console.log('held'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        if (String(d).includes('held')) resolve();
      });
      child.on('exit', () => reject(new Error('the holder exited early')));
    });
    assert.throws(() => Store.open(db), isBusy);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const store = Store.open(db);
    await store.close();
  });

  it(`four staggered replays of one trace on one store: extra writers refused, the digest right (${TRIALS} trials)`, async (t) => {
    const dir = tempDir(t);
    const reference = await referenceReplay(dir);
    for (let trial = 0; trial < TRIALS; trial++) {
      const db = join(dir, `db-${trial}`);
      const replay = () => runCli(['replay', PATCH_TRACE, '--db', db, '--json']);
      // Staggered by what the writer is doing, not by the clock: two race for the lock, one comes while it is held
      // (or just after, on a fast machine), one once the first two have ended.
      const racing = [replay(), replay()];
      let oneEnded = false;
      void Promise.race(racing).then(() => (oneEnded = true));
      await waitFor('a writer to hold the store', () => existsSync(join(db, 'writer.json')) || oneEnded);
      const whileHeld = replay();
      await Promise.all(racing);
      const results = await Promise.all([...racing, whileHeld, replay()]);
      let applied = 0;
      for (const r of results) {
        if (r.code === 2) {
          assert.match(r.stderr, /^mgrkit: store .* is being written by pid \d+ \(mgrkit replay /, r.stderr);
          continue;
        }
        assert.equal(r.code, 0, r.stderr);
        const s = JSON.parse(r.stdout) as { events: { accepted: number }; digest: string };
        // A replay that starts after the holder finished resumes after its last line: nothing new to apply.
        if (s.events.accepted > 0) applied++;
        assert.equal(s.digest, reference.digest);
      }
      assert.equal(applied, 1, 'exactly one replay applied the trace');
      const store = Store.open(db, { readOnly: true });
      assert.equal(store.lastSeq(), reference.events);
      assert.equal(stateDigest(stateAt(store)), reference.digest);
      await store.close();
      assert.equal(existsSync(join(db, 'writer.json')), false, 'the last writer left no holder behind');
    }
  });
});
