import { join } from 'node:path';
import { stateDigest } from '../../src/entry/host.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { Store } from '../../src/store/store.ts';
import { PATCH_TRACE } from '../helpers.ts';

/** What one undisturbed replay of the patch trace leaves, in a store of its own under `dir`: the measure of the rest. */
export async function referenceReplay(dir: string): Promise<{ digest: string; events: number }> {
  const store = Store.open(join(dir, 'reference'));
  try {
    const { state } = await replayTrace({ trace: PATCH_TRACE, store });
    return { digest: stateDigest(state), events: state.seq };
  } finally {
    await store.close();
  }
}
