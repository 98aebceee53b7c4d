import { constants } from 'node:os';
import { z } from 'zod';
import type { CommandResult } from './mon-commands.ts';
import type { MonCommand } from './scenario.ts';
import { drivePath, type Topology } from './topology.ts';

const { ENOENT, EINVAL, ENOSPC } = constants.errno;

/**
 * What an orchestrator does on the hosts themselves (cephadm over ssh: list drives, run `ceph-volume`, `systemctl
 * stop`), which no monitor command does. A simulated cluster answers these under the `sim` prefix, so a backend
 * module reaches them the one way modules reach a cluster: `mon_command`.
 */
export const HOST_AGENT_PREFIXES = ['sim host ls', 'sim osd create', 'sim daemon stop', 'sim daemon start'] as const;

/** One drive of a simulated host, as `sim host ls` lists it. */
export interface SimDrive {
  readonly path: string;
  readonly size: number;
  readonly rotational: boolean;
  /** The OSD on it, or null when the drive is free. */
  readonly osd: number | null;
}

/** One simulated host, as `sim host ls` lists it. */
export interface SimHost {
  readonly hostname: string;
  readonly addr: string;
  readonly drives: readonly SimDrive[];
}

/** What the host-agent commands act on. */
export interface HostAgentTarget {
  readonly topo: Topology;
  /** Deploys an OSD on the next free drive of host `h`; -1 when none is free. */
  createOsd(h: number): number;
  running(osd: number): boolean;
  /** The OSD's process stops (the monitors mark it down) or starts (it boots and is marked up). */
  stopOsd(osd: number): void;
  startOsd(osd: number): void;
}

const CreateArgs = z.looseObject({ host: z.string().min(1), count: z.number().int().positive().optional() });
const DaemonArgs = z.looseObject({ name: z.string().regex(/^osd\.\d+$/, 'only OSD daemons (osd.N) run here') });

const ok = (outb: unknown, outs = ''): CommandResult => ({ retval: 0, outb: JSON.stringify(outb), outs });
const fail = (errno: number, outs: string): CommandResult => ({ retval: -errno, outb: '', outs });

/** Every host with its drives: those its OSDs use, in order, then the free ones. */
export function simHosts(topo: Topology): SimHost[] {
  return topo.hostNames.map((hostname, h) => {
    const { start, items } = topo.hostOsds;
    const osds = Array.from(items.subarray(start[h]!, start[h + 1]!));
    const size = osds.length > 0 ? topo.osdBytes[osds[0]!]! : 4e12;
    const drives = Array.from({ length: topo.hostDrives[h]! }, (_, d) => ({
      path: drivePath(d),
      size,
      rotational: true,
      osd: osds[d] ?? null,
    }));
    return { hostname, addr: topo.hostAddrs[h]!, drives };
  });
}

/** Answers a `sim ...` command; undefined when the prefix is not one of {@link HOST_AGENT_PREFIXES}. */
export function runHostAgentCommand(t: HostAgentTarget, cmd: MonCommand): CommandResult | undefined {
  switch (cmd.prefix) {
    case 'sim host ls':
      return ok(simHosts(t.topo));
    case 'sim osd create': {
      const args = CreateArgs.safeParse(cmd);
      if (!args.success) return fail(EINVAL, `Invalid command: ${args.error.issues[0]!.message}`);
      const h = t.topo.hostNames.indexOf(args.data.host);
      if (h < 0) return fail(ENOENT, `host ${args.data.host} does not exist`);
      const created: number[] = [];
      for (let i = 0; i < (args.data.count ?? Number.POSITIVE_INFINITY); i++) {
        const o = t.createOsd(h);
        if (o < 0) break;
        created.push(o);
      }
      if (created.length === 0) return fail(ENOSPC, `host ${args.data.host} has no free devices`);
      return ok(created, `Created osd(s) ${created.join(',')} on host '${args.data.host}'`);
    }
    case 'sim daemon stop':
    case 'sim daemon start': {
      const args = DaemonArgs.safeParse(cmd);
      if (!args.success) return fail(EINVAL, `Invalid command: ${args.error.issues[0]!.message}`);
      const osd = Number(args.data.name.slice(4));
      if (osd >= t.topo.osds) return fail(ENOENT, `daemon ${args.data.name} does not exist`);
      const stop = cmd.prefix === 'sim daemon stop';
      if (stop) t.stopOsd(osd);
      else t.startOsd(osd);
      return ok({ name: args.data.name, running: t.running(osd) }, `${stop ? 'Stopped' : 'Started'} ${args.data.name}`);
    }
    default:
      return undefined;
  }
}
