import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IoHistory } from '../../modules/dashboard/io-history.ts';

const at = (seq: number, read: number) => ({
  t: seq,
  seq,
  read_bytes_sec: read,
  write_bytes_sec: read / 2,
  read_op_per_sec: read / 4096,
  write_op_per_sec: read / 8192,
});

describe('the IO chart history', () => {
  it('draws nothing while PGs are unknown, nor for the rate window after, whose deltas hold lifetime counters', () => {
    const h = new IoHistory();
    h.add(at(1, 2 ** 50), false);
    h.add(at(2, 2 ** 47), false);
    assert.deepEqual(h.upTo(null), []);
    // Whole from seq 3: the next tick measures the last PG's first report, and the six after it clear the window.
    const reads = [2 ** 46, 2 ** 46, 2 ** 47, 2 ** 45, 2 ** 44, 2 ** 43, 2 ** 42, 6e9, 5e9, 5e9, 4.8e9];
    for (const [i, r] of reads.entries()) h.add(at(3 + i, r));
    assert.deepEqual(
      h.upTo(null).map((s) => s.read_bytes_sec),
      [5e9, 5e9, 4.8e9],
    );
    // PGs unknown again (a pool created): the chart waits out a window again, keeping what it drew.
    h.add(at(20, 1e15), false);
    h.add(at(21, 6e9));
    assert.equal(h.upTo(null).at(-1)?.seq, 13);
  });
});
