/**
 * Where a manager of a group runs a command sent to its socket, without NATS: a standby that knows the active passes
 * a module command on to it (even while the active's roster entry has lapsed), one that does not answers -EAGAIN,
 * and the command list it answers itself has the modules' commands, so a client never refuses one as invalid.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandDescription } from '../../src/commands/command-table.ts';
import { parseDescriptor } from '../../src/commands/descriptor.ts';
import { validateCommand } from '../../src/commands/validate.ts';
import type { GroupView } from '../../src/group/group-mgr-map.ts';
import { mergeListings, type RouteInput, routeDecision } from '../../src/group/group-route.ts';
import { describeModuleCommands } from '../../src/host/module-commands.ts';
import { MgrModule } from '../../src/module/mgr-module.ts';

const member = (name: string) => ({
  name,
  gid: 1,
  addr: `/run/${name}.sock`,
  services: {},
  since: '2026-12-07T00:00:00Z',
});

function input(view: GroupView, over: Partial<RouteInput> = {}): RouteInput {
  return {
    prefix: 'probe whoami',
    self: 'b',
    active: false,
    hasLocal: false,
    view,
    lastAddr: (name) => view.members[name]?.addr,
    ...over,
  };
}

const both: GroupView = { active: 'a', members: { a: member('a'), b: member('b') } };

describe('routing a command in a group', () => {
  it('runs everything here on the active, and its own commands here on a standby', () => {
    assert.deepEqual(routeDecision(input(both, { self: 'a', active: true })), { kind: 'local' });
    assert.deepEqual(routeDecision(input(both, { prefix: 'mgr dump', hasLocal: true })), { kind: 'local' });
    assert.deepEqual(routeDecision(input(both, { prefix: null })), { kind: 'local' });
  });

  it('a standby that knows the active passes a module command on to it', () => {
    assert.deepEqual(routeDecision(input(both)), { kind: 'forward', active: 'a', addr: '/run/a.sock' });
  });

  it("passes it on while the active's roster entry has lapsed, to the address it last announced", () => {
    // The lease names `a`; its entry expired from the bucket (a renewal late on a busy machine).
    const lapsed: GroupView = { active: 'a', members: { b: member('b') } };
    const seen = new Map([['a', '/run/a.sock']]);
    assert.deepEqual(routeDecision(input(lapsed, { lastAddr: (n) => seen.get(n) })), {
      kind: 'forward',
      active: 'a',
      addr: '/run/a.sock',
    });
  });

  it('answers -EAGAIN when no active is known, or it is this one still taking over, or its address is unknown', () => {
    assert.equal(routeDecision(input({ active: null, members: { b: member('b') } })).kind, 'again');
    assert.equal(routeDecision(input(both, { self: 'a' })).kind, 'again');
    assert.equal(routeDecision(input({ active: 'a', members: {} }, { lastAddr: () => undefined })).kind, 'again');
  });

  it('asks the active for the command list, and lists here (with the modules) when it cannot', () => {
    const listing = { prefix: 'get_command_descriptions', hasLocal: false };
    assert.equal(routeDecision(input(both, listing)).kind, 'forward');
    assert.equal(routeDecision(input({ active: null, members: {} }, listing)).kind, 'listing');
    assert.equal(routeDecision(input(both, { ...listing, self: 'a' })).kind, 'listing');
    assert.equal(
      routeDecision(input({ active: 'a', members: {} }, { ...listing, lastAddr: () => undefined })).kind,
      'listing',
    );
  });

  it("the list a standby answers itself lets a client send a module's command", () => {
    class Probe extends MgrModule {
      static override COMMANDS = [{ cmd: 'probe whoami', desc: 'which manager answers', perm: 'r' as const }];
    }
    const own: CommandDescription[] = [
      {
        cmd: 'mgr dump name=epoch,type=CephInt,req=false',
        usage: 'mgr dump [<epoch:int>]',
        desc: '',
        perm: 'r',
        poll: false,
        module: 'mgr',
      },
    ];
    const modules = describeModuleCommands('probe', Probe as never, {});
    const merged = mergeListings(own, modules);
    assert.deepEqual(
      merged.map((d) => d.cmd),
      ['mgr dump name=epoch,type=CephInt,req=false', 'probe whoami'],
    );
    assert.equal(merged[1]!.module, 'probe');
    // What the CLI does with the list before it sends anything: without the module's entry, "invalid command".
    const sigs = (l: CommandDescription[]) => l.map((d) => parseDescriptor(d.cmd));
    assert.equal(validateCommand(sigs(own), ['probe', 'whoami']).ok, false);
    assert.equal(validateCommand(sigs(merged), ['probe', 'whoami']).ok, true);
    // The module's entry is not added twice when the list has it already (the active's own list).
    assert.equal(mergeListings(merged, modules).length, 2);
  });
});
