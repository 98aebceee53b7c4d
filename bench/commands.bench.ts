import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MgrHost } from '../src/host/host.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { AdminClient } from '../src/server/admin-client.ts';
import { AdminSocket } from '../src/server/admin-socket.ts';
import { formatNs } from './harness.ts';

export interface CommandBench {
  roundTrip: { medianNs: number; p99Ns: number };
  inProcess: { medianNs: number; p99Ns: number };
  /** How many times the socket costs over calling the router in-process. */
  ratio: number;
  calls: number;
  cephUs: number;
}

function stats(samples: number[]): { medianNs: number; p99Ns: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { medianNs: s[Math.floor(s.length / 2)]!, p99Ns: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

/** A command's round trip through the admin socket (one client, one request at a time), against the same dispatch in-process. */
export async function benchCommands(calls = 2000): Promise<CommandBench> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-bench-'));
  const host = await MgrHost.create({ builtinModules: false, logger: createRootLogger({ file: '/dev/null' }) });
  host.start();
  const caller = { entity: 'client.admin', caps: 'rw', inbuf: '' };
  const socket = await AdminSocket.listen(join(dir, 'mgr.sock'), (req) => host.commands.run(req.cmd, caller));
  const client = await AdminClient.connect(join(dir, 'mgr.sock'));
  const request = { prefix: 'mgr module ls', format: 'json' };
  const trip: number[] = [];
  const local: number[] = [];
  for (let i = 0; i < calls + 200; i++) {
    const t0 = process.hrtime.bigint();
    await client.send(request);
    const t1 = process.hrtime.bigint();
    await host.commands.run(request, caller);
    const t2 = process.hrtime.bigint();
    if (i >= 200) {
      trip.push(Number(t1 - t0));
      local.push(Number(t2 - t1));
    }
  }
  client.close();
  await socket.close();
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
  const roundTrip = stats(trip);
  const inProcess = stats(local);
  return { roundTrip, inProcess, ratio: roundTrip.medianNs / inProcess.medianNs, calls, cephUs: 790 };
}

export function printCommands(b: CommandBench): void {
  console.log(
    `\ncommand round trip through the admin socket (${b.calls} calls of "mgr module ls"; baseline: the same dispatch in-process)`,
  );
  console.log(
    `socket ${formatNs(b.roundTrip.medianNs)} median, ${formatNs(b.roundTrip.p99Ns)} p99; in-process ${formatNs(b.inProcess.medianNs)} median: ${b.ratio.toFixed(1)}x; real ceph-mgr through librados: ~${b.cephUs} µs (recorded)`,
  );
}
