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
  it("leaves out the rate window after PGs' first reports (lifetimes of counters), keeps idle samples", () => {
    const h = new IoHistory();
    // PGs reported for the first time: 100 unknown, then 40, then none.
    h.add(at(1, 0), 100);
    h.add(at(2, 2 ** 50), 40);
    assert.deepEqual(
      h.upTo(null).map((s) => s.seq),
      [1],
      'all-zero rates hold no lifetime: drawn',
    );
    // Whole from seq 3: the next tick measures the last first report, and the six after it clear the window.
    const reads = [2 ** 46, 2 ** 46, 2 ** 47, 2 ** 45, 2 ** 44, 2 ** 43, 2 ** 42, 6e9, 5e9, 5e9, 4.8e9];
    for (const [i, r] of reads.entries()) h.add(at(3 + i, r), 0);
    assert.deepEqual(
      h.upTo(null).map((s) => s.read_bytes_sec),
      [0, 5e9, 5e9, 4.8e9],
    );
    // A pool created: its PGs unknown, then reported (fewer unknown): the chart waits out a window again.
    h.add(at(20, 6e9), 64);
    assert.equal(h.upTo(null).at(-1)?.seq, 20, 'more PGs unknown: nothing first reported yet');
    h.add(at(21, 1e15), 0);
    h.add(at(22, 6e9), 0);
    assert.equal(h.upTo(null).at(-1)?.seq, 20);
  });
});
