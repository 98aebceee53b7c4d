import type { PastState } from 'mgrkit';

/** What the dashboard reads of a cluster: `get`, which both the module (now) and `get_at(seq)` (then) answer. */
export type ClusterReader = Pick<PastState, 'get'>;

/**
 * Remembers what `build` made of the last few input lists, compared by identity. The inputs are what `get` returns,
 * which is the same frozen object as long as that part of the cluster did not change, so a view is built once per
 * change of its inputs, for the current state and the few past ones a time slider visits.
 */
export class InputsMemo<T> {
  private readonly entries: Array<{ inputs: readonly unknown[]; value: T }> = [];

  constructor(
    private readonly build: (...inputs: never[]) => T,
    private readonly keep = 4,
  ) {}

  get(inputs: readonly unknown[]): T {
    const i = this.entries.findIndex(
      (e) => e.inputs.length === inputs.length && e.inputs.every((x, j) => x === inputs[j]),
    );
    if (i >= 0) {
      const [hit] = this.entries.splice(i, 1);
      this.entries.unshift(hit!);
      return hit!.value;
    }
    const value = (this.build as (...inputs: unknown[]) => T)(...inputs);
    this.entries.unshift({ inputs, value });
    if (this.entries.length > this.keep) this.entries.pop();
    return value;
  }
}
