/**
 * The module harness (`from 'mgrkit/testing'`): one module in a host of its own, fed by hand, for a module's tests.
 *
 * @example
 * ```ts
 * import { createModuleHarness } from 'mgrkit/testing';
 * import { Module } from './module.ts';
 *
 * const h = await createModuleHarness({ module: Module, name: 'hello' });
 * await h.replay('traces/pacific-3osd.jsonl.gz');
 * console.log(h.cues.length, h.module.get('osd_map')?.epoch);
 * await h.stop();
 * ```
 * @packageDocumentation
 */

export type { Cue } from '../bus/cue.ts';
export {
  createModuleHarness,
  type DeliveredCue,
  /** How {@link createModuleHarness} builds the module's host: other modules, config, module paths, mgr id. */
  type HarnessOptions,
  type ModuleHarness,
} from '../testing/module-harness.ts';
