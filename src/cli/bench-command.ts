import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { PACKAGE_ROOT } from '../package-root.ts';

/** `mgrkit bench`: runs the benchmark suite in a process of its own. */
export function registerBenchCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('bench')
    .description(
      'the benchmark suite: accessor latency from a module against a deep copy and real ceph-mgr, fold and replay throughput, notify latency, command round trip, recovery and memory at simulated 1,000 and 10,000 OSDs, and the scale targets beside the figures before the scale work',
    )
    .option('--json', 'print the results as one JSON object')
    .option('--sizes <osds,...>', 'simulated cluster sizes in OSDs (default 1000,10000)')
    .option('--no-targets', 'leave out the scale targets (a 30-s 10,000-OSD trace, a live 10,000-OSD cluster: ~4 min)')
    .option('--huge', 'also replay 10,800 OSDs with 1,000,000 PGs (several GiB of memory, many minutes)')
    .action(async (o) => {
      // The 10,000-OSD run holds a few GiB of state: it runs in a process with room for it.
      const script = fileURLToPath(new URL('bench/run.ts', PACKAGE_ROOT));
      const args = ['--max-old-space-size=16384', '--import', 'tsx', script];
      if (o.json) args.push('--json');
      if (o.sizes) args.push('--sizes', o.sizes);
      if (o.targets === false) args.push('--no-targets');
      if (o.huge) args.push('--huge');
      const code = await new Promise<number>((resolve) => {
        spawn(process.execPath, args, { stdio: 'inherit' }).on('close', (c) => resolve(c ?? 1));
      });
      if (code !== 0) setExit(code);
    });
}
