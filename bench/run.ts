import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchAccessors, printAccessors } from './accessors.bench.ts';
import { benchCommands, printCommands } from './commands.bench.ts';
import { benchFold, printFold } from './fold.bench.ts';

const traces = fileURLToPath(new URL('../traces/', import.meta.url));
const json = process.argv.includes('--json');
const machine = { node: process.version, cpus: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' };

const accessors = benchAccessors(`${traces}pacific-3osd.jsonl.gz`);
const fold = benchFold([`${traces}pacific-3osd.jsonl.gz`, `${traces}pacific-3osd-patch.jsonl.gz`]);
const commands = await benchCommands();

if (json) {
  console.log(JSON.stringify({ machine, accessors, fold, commands }));
} else {
  console.log(`mgrkit bench: node ${machine.node}, ${machine.cpus} cores (${machine.cpu})`);
  printAccessors(accessors.rows);
  printFold(fold);
  printCommands(commands);
  console.log('\nceph-mgr: real ceph-mgr 16.2.15 from a Python module, recorded on a 2-core machine (not this run).');
}
