import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEASE_KEY, LeaderLease, type LeaseBucket } from '../../src/group/leader-lease.ts';

/** A bucket with JetStream KV's rules: create only on an empty (or deleted) key, update only at the revision, entries expire `ttl` after their write. */
function bucket(ttlMs: number, now: () => number): LeaseBucket & { down: boolean } {
  let rev = 0;
  const entries = new Map<string, { value: string; revision: number; at: number; deleted: boolean }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e !== undefined && now() - e.at >= ttlMs) entries.delete(key);
    return entries.get(key);
  };
  const b = {
    down: false,
    async create(key: string, value: string) {
      if (b.down) throw new Error('unreachable');
      const e = live(key);
      if (e !== undefined && !e.deleted) throw new Error('wrong last sequence');
      entries.set(key, { value, revision: ++rev, at: now(), deleted: false });
      return rev;
    },
    async update(key: string, value: string, revision: number) {
      if (b.down) throw new Error('unreachable');
      const e = live(key);
      if (e === undefined || e.revision !== revision) throw new Error('wrong last sequence');
      entries.set(key, { value, revision: ++rev, at: now(), deleted: false });
      return rev;
    },
    async delete(key: string, options: { previousSeq: number }) {
      const e = live(key);
      if (e === undefined || e.revision !== options.previousSeq) throw new Error('wrong last sequence');
      entries.set(key, { value: '', revision: ++rev, at: now(), deleted: true });
    },
    async get(key: string) {
      if (b.down) throw new Error('unreachable');
      const e = live(key);
      return e === undefined ? null : { value: e.value, revision: e.revision, deleted: e.deleted };
    },
  };
  return b;
}

describe('leader lease', () => {
  it('only one manager holds it; the other takes it once the holder stops renewing for a TTL', async () => {
    let t = 0;
    const now = () => t;
    const kv = bucket(2000, now);
    const a = new LeaderLease(kv, 'a', { ttlMs: 2000, now });
    const b = new LeaderLease(kv, 'b', { ttlMs: 2000, now });
    assert.equal(await a.acquire(), true);
    assert.equal(await b.acquire(), false);
    t = 1500;
    assert.equal(await a.renew(), true);
    t = 3000;
    assert.equal(await b.acquire(), false, 'renewed at 1500: still held at 3000');
    assert.equal(await b.currentHolder(), 'a');
    t = 3600;
    assert.equal(await b.acquire(), true, 'no renewal since 1500: gone at 3500');
    assert.equal(a.held, false);
    assert.equal(await a.renew(), false);
    assert.equal(await b.currentHolder(), 'b');
  });

  it('a released lease is taken at once, without waiting for the TTL', async () => {
    let t = 0;
    const now = () => t;
    const kv = bucket(2000, now);
    const a = new LeaderLease(kv, 'a', { ttlMs: 2000, now });
    const b = new LeaderLease(kv, 'b', { ttlMs: 2000, now });
    await a.acquire();
    t = 10;
    await a.release();
    assert.equal(a.held, false);
    assert.equal(await b.acquire(), true);
    assert.equal(await kv.get(LEASE_KEY).then((e) => e?.value), 'b');
  });

  it('a holder that cannot reach the bucket keeps the lease only until the TTL since its last renewal', async () => {
    let t = 0;
    const now = () => t;
    const kv = bucket(2000, now);
    const a = new LeaderLease(kv, 'a', { ttlMs: 2000, now });
    await a.acquire();
    kv.down = true;
    t = 1000;
    assert.equal(await a.renew(), true, 'unreachable, but the TTL has not passed');
    t = 2000;
    assert.equal(await a.renew(), false);
    assert.equal(a.held, false);
  });

  it('a renewal still in flight when the lease is released does not take it back', async () => {
    let t = 0;
    const now = () => t;
    const kv = bucket(2000, now);
    const a = new LeaderLease(kv, 'a', { ttlMs: 2000, now });
    const b = new LeaderLease(kv, 'b', { ttlMs: 2000, now });
    await a.acquire();
    t = 600;
    const renewing = a.renew();
    await a.release();
    assert.equal(await renewing, false);
    assert.equal(a.held, false);
    assert.equal(await a.currentHolder(), null, 'the key is gone, at whatever revision the renewal left it');
    assert.equal(await b.acquire(), true);
  });
});
