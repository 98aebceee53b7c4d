import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrHost, stateAt, stateDigest } from '../../src/entry/host.ts';
import { MgrError } from '../../src/errors.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { Store, type WriteStatus } from '../../src/store/store.ts';
import { PATCH_TRACE, tempDir, waitFor } from '../helpers.ts';
import { referenceReplay } from '../store/reference-replay.ts';

/** Makes the store's disk refuse commits (as LMDB reports a full disk: errno 28) while `full()` says so. */
function fillDisk(store: Store, full: () => boolean): void {
  const root = (store as unknown as { root: { transaction: (cb: () => unknown) => Promise<unknown> } }).root;
  const transaction = root.transaction.bind(root);
  root.transaction = (cb) =>
    full() ? Promise.reject(Object.assign(new Error('No space left on device'), { code: 28 })) : transaction(cb);
}

describe('a commit the disk refuses', () => {
  it('fails a replay with -ENOSPC naming the store; what was committed before stays, and a re-run completes it', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    let commits = 0;
    const store = Store.open(db);
    fillDisk(store, () => ++commits > 3);
    const error = await replayTrace({ trace: PATCH_TRACE, store, snapshotEvery: 50 }).then(
      () => assert.fail('the replay went through a full disk'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MgrError);
    assert.equal(error.code, 'MGR_ERR_STORE_NO_SPACE');
    assert.equal(-error.errno, -28);
    assert.match(error.message, new RegExp(`^cannot write the store ${db}: No space left on device \\(ENOSPC\\)$`));
    const kept = store.lastSeq();
    assert.ok(kept > 0, 'the batches committed before the failure are kept');
    await store.close();

    const again = Store.open(db);
    t.after(() => again.close());
    assert.equal(again.lastSeq(), kept);
    const { state } = await replayTrace({ trace: PATCH_TRACE, store: again });
    assert.equal(state.seq, 647);
    assert.equal(stateDigest(state), (await referenceReplay(dir)).digest);
  });

  it('in a daemon: held unpublished, raised as MGR_STORE_WRITE_FAILED, committed when space returns, then cleared', async (t) => {
    const dir = tempDir(t);
    const store = Store.open(join(dir, 'db'));
    t.after(() => store.close());
    const statuses: WriteStatus[] = [];
    store.onWriteStatus((s) => statuses.push(s));
    let full = false;
    let commits = 0;
    fillDisk(store, () => {
      if (++commits === 4) full = true;
      return full;
    });
    const host = await MgrHost.create({ store, logFile: join(dir, 'mgr.log') });
    t.after(() => host.stop());
    host.start();
    const stop = new AbortController();
    const replay = replayTrace({ trace: PATCH_TRACE, store, host, retryCommitsUntil: stop.signal });
    await waitFor('the failure is raised', () => statuses.length > 0);
    const check = host.health.all().MGR_STORE_WRITE_FAILED;
    assert.equal(check?.severity, 'HEALTH_ERR');
    assert.match(check.summary.message, /No space left on device \(ENOSPC\)/);
    const journaled = store.lastSeq();
    assert.equal(host.state.seq, journaled, 'modules see only what the journal holds');
    const [ok] = await host.commands.run({ prefix: 'health' }, { entity: 'client.admin', caps: 'rw', inbuf: '' });
    assert.equal(ok, 0, 'the host goes on serving commands');

    full = false;
    const { state } = await replay;
    assert.deepEqual(
      statuses.map((s) => s.ok),
      [false, true],
      'raised once, cleared once',
    );
    assert.equal(host.health.all().MGR_STORE_WRITE_FAILED, undefined);
    assert.equal(state.seq, 647);
    assert.equal(stateDigest(stateAt(store)), (await referenceReplay(dir)).digest, 'nothing lost, nothing twice');
  });
});
