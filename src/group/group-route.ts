import type { CommandDescription } from '../commands/command-table.ts';
import { parseDescriptor } from '../commands/descriptor.ts';
import type { GroupView } from './group-mgr-map.ts';

/** Where a manager of a group runs a command sent to its admin socket. */
export type RouteDecision =
  /** Here: this manager is the active one, or the command is one of its own (settings, `mgr dump`, ...). */
  | { readonly kind: 'local' }
  /** The command list, answered here: this manager's commands and the modules' (which only the active runs). */
  | { readonly kind: 'listing' }
  /** Passed on to the active manager's socket. */
  | { readonly kind: 'forward'; readonly active: string; readonly addr: string }
  /** No active manager known (or it is this one, still taking over): `-EAGAIN`, the client tries again. */
  | { readonly kind: 'again'; readonly why: string };

export interface RouteInput {
  /** The command's words, normalised; null when the request has none (the local dispatch says why). */
  readonly prefix: string | null;
  readonly self: string;
  /** Whether this manager serves as the active one (modules running as `Module`s). */
  readonly active: boolean;
  /** Whether this manager's own command table has the command (a module's command is there only while active). */
  readonly hasLocal: boolean;
  readonly view: GroupView;
  /**
   * The admin socket a manager last announced, even if its entry has just expired from the bucket: an active whose
   * renewal was late is still the one to ask (if it is really gone, the connection fails and the client is told
   * to try again).
   */
  readonly lastAddr: (name: string) => string | undefined;
}

export const LISTING = 'get_command_descriptions';

/**
 * Decides where a command goes. The command list (what a client asks first, to check the words it was given) is
 * the active's when it can be asked, else this manager's own with the modules' commands added: a list without
 * them would make the client refuse a module command as invalid before this manager could pass it on. A module
 * command goes to the active once this manager knows which one that is, and is answered `-EAGAIN` until then.
 */
export function routeDecision(input: RouteInput): RouteDecision {
  const { prefix, view } = input;
  if (input.active || prefix === null) return { kind: 'local' };
  const listing = prefix === LISTING;
  if (!listing && input.hasLocal) return { kind: 'local' };
  const active = view.active;
  if (active === null) {
    return listing
      ? { kind: 'listing' }
      : { kind: 'again', why: `no active manager in the group to run "${prefix}" yet` };
  }
  if (active === input.self) {
    return listing
      ? { kind: 'listing' }
      : { kind: 'again', why: `this manager is taking over as the active one; "${prefix}" is not served yet` };
  }
  const addr = view.members[active]?.addr ?? input.lastAddr(active);
  if (addr === undefined) {
    return listing
      ? { kind: 'listing' }
      : { kind: 'again', why: `the active manager mgr.${active} has not said where it serves commands yet` };
  }
  return { kind: 'forward', active, addr };
}

/** A command list with `more` added where it lacks their words, in the table's order (by command words). */
export function mergeListings(
  own: readonly CommandDescription[],
  more: readonly CommandDescription[],
): CommandDescription[] {
  const words = (d: CommandDescription) => parseDescriptor(d.cmd).prefix.join(' ');
  const known = new Set(own.map(words));
  return [...own, ...more.filter((d) => !known.has(words(d)))].sort((a, b) => words(a).localeCompare(words(b)));
}

/** The command words of a request (`{prefix, ...}`), normalised as the command table keys them, or null. */
export function commandPrefix(cmd: unknown): string | null {
  const prefix = typeof cmd === 'object' && cmd !== null ? (cmd as { prefix?: unknown }).prefix : undefined;
  return typeof prefix === 'string' && prefix.trim() !== '' ? prefix.trim().split(/\s+/).join(' ') : null;
}
