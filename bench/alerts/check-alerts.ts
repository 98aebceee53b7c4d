/**
 * `npm run check:alerts`: Ceph's packaged alert rules and Grafana dashboards against a live simulated cluster
 * (README: "Ceph's alert rules and dashboards against a simulated cluster"). Prints the report; exits 2 when the
 * check cannot run here (a program or package missing), 1 on a failure to run it.
 *
 * Options: --speed N (default 20; also what every `for:` is divided by), --duration SECONDS (cluster time, default
 * 10800: 3 h, 9 min at 20x), --steps a,b,... (default: every step), --sim key=value,... (more sim: options), --keep (keep the temporary
 * folder), --json FILE (the result).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatAlertReport } from './alert-report.ts';
import { MissingPrerequisite, runAlertCheck } from './run-alert-check.ts';

const { values } = parseArgs({
  options: {
    speed: { type: 'string' },
    duration: { type: 'string' },
    steps: { type: 'string' },
    sim: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'string' },
  },
});

try {
  const result = await runAlertCheck({
    ...(values.speed ? { speed: Number(values.speed) } : {}),
    ...(values.duration ? { duration: Number(values.duration) } : {}),
    ...(values.steps ? { steps: values.steps.split(',') } : {}),
    ...(values.sim ? { simExtra: values.sim } : {}),
    keep: values.keep ?? false,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(formatAlertReport(result));
} catch (e) {
  process.stderr.write(`check:alerts: ${(e as Error).message}\n`);
  process.exitCode = e instanceof MissingPrerequisite ? 2 : 1;
}
