import { z } from 'zod';
import { CLICommand } from '../commands/decorators.ts';
import { type CommandTuple, errorResult } from '../commands/result.ts';
import { MgrError } from '../errors.ts';
import type { MgrModule } from './mgr-module.ts';
import { ModuleEvaluator } from './module-evaluator.ts';

// biome-ignore lint/suspicious/noExplicitAny: a mixin's base must take any constructor arguments (TypeScript's rule)
type ModuleConstructor = abstract new (...args: any[]) => MgrModule;

/** What {@link EvalMixin} takes besides the base class and prefix. */
export interface EvalMixinOptions {
  /** How long an input may run, and then how long its promise may take (default 10 s). */
  readonly timeoutMs?: number;
}

const evaluators = new WeakMap<MgrModule, ModuleEvaluator>();

/**
 * Gives a module the `eval` command of Ceph's selftest (`mgr self-test eval`) under a prefix of its own: the
 * JavaScript in `s` (or the `-i` input) runs with `mgr` bound to the running module, its promise is awaited, and the
 * value prints as Node's REPL prints it. Errors print their message (`-EINVAL`) and stay inside the command. The
 * command's perm is `rw`: it runs code inside the host. `mgrkit repl --prefix "<prefix>"` is a shell over it.
 *
 * @example
 * ```ts
 * import { EvalMixin, MgrModule } from 'mgrkit';
 * export class Module extends EvalMixin(MgrModule, 'mgr my-module eval') {}
 * // $ mgrkit repl --prefix "mgr my-module eval"
 * // [mgr my-module eval] >>> mgr.get('osd_map').epoch
 * ```
 */
export function EvalMixin<B extends ModuleConstructor>(Base: B, prefix: string, options: EvalMixinOptions = {}) {
  abstract class WithEval extends Base {
    @CLICommand(prefix, {
      perm: 'rw',
      args: z.object({ s: z.string().optional() }),
      desc: 'eval given source',
    })
    eval({ s, format }: { s?: string; format?: string }, inbuf?: string): Promise<CommandTuple> {
      const source = s ?? (inbuf || undefined);
      if (source === undefined) {
        return Promise.resolve(errorResult(new MgrError('MGR_ERR_COMMAND_INVALID', 'source is not specified')));
      }
      let evaluator = evaluators.get(this);
      if (evaluator === undefined) {
        evaluator = new ModuleEvaluator(this, { log: this.log, ...options });
        evaluators.set(this, evaluator);
      }
      return evaluator.evaluate(source, format);
    }
  }
  return WithEval;
}
