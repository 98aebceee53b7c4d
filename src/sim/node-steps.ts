// The scenario's steps on the hosts themselves, as their node exporters show them; registered on import.
import { JUMBO_MTU, type NodeHosts } from './node-hosts.ts';
import { registerScenarioStep, type ScenarioStep } from './scenario.ts';

/** The used share the root file system of `host-disk-fill` reaches: 3% free, under the rule's 5%. */
export const ROOT_FILL_USED = 0.97;
/** The shares of a NIC's packets `nic-errors` drops and garbles: twice and five times the rules' thresholds. */
export const NIC_DROP_SHARE = 0.01;
export const NIC_ERR_SHARE = 0.0005;
/** The MTU `mtu-mismatch` sets one host's cluster NIC to, while the others keep jumbo frames. */
export const MISMATCHED_MTU = 1500;

registerScenarioStep('host-disk-fill', {
  summary:
    `at 6% the root file system of the first host fills, over 2.5% of the duration, to ${ROOT_FILL_USED * 100}% ` +
    '(node_filesystem_avail_bytes under 5% of its size, and falling fast enough that a linear prediction ' +
    'runs out); at 16% the files are deleted',
  plan: (p) => [
    { at: p.at(0.06), step: { kind: 'root-fill', host: 0, used: ROOT_FILL_USED, rampMs: p.at(0.085) - p.at(0.06) } },
    { at: p.at(0.16), step: { kind: 'root-fill', host: 0, used: null, rampMs: 0 } },
  ],
});

registerScenarioStep('nic-errors', {
  summary:
    `at 34% the public NIC (eth0) of the second host drops ${NIC_DROP_SHARE * 100}% of its packets and garbles ` +
    `${NIC_ERR_SHARE * 100}% (node_network_receive_drop_total, _errs_total); at 46% it is healthy again`,
  plan: (p) => {
    const host = 1 % p.topo.hosts;
    return [
      { at: p.at(0.34), step: { kind: 'nic-faults', host, nic: 'eth0', drop: NIC_DROP_SHARE, errs: NIC_ERR_SHARE } },
      { at: p.at(0.46), step: { kind: 'nic-faults', host, nic: 'eth0', drop: 0, errs: 0 } },
    ];
  },
});

registerScenarioStep('mtu-mismatch', {
  summary:
    `at 58% the cluster NIC (eth1) of the third host is set to MTU ${MISMATCHED_MTU} while the others run ` +
    `${JUMBO_MTU} (node_network_mtu_bytes); at 68% it is set back`,
  refuse: (p) =>
    p.topo.hosts < 3
      ? `needs 3 hosts or more, for the others' MTU to be the median (--hosts; has ${p.topo.hosts})`
      : undefined,
  plan: (p) => [
    { at: p.at(0.58), step: { kind: 'nic-mtu', host: 2, nic: 'eth1', mtu: MISMATCHED_MTU } },
    { at: p.at(0.68), step: { kind: 'nic-mtu', host: 2, nic: 'eth1', mtu: JUMBO_MTU } },
  ],
});

/** Plays a step on the hosts (`root-fill`, `nic-faults`, `nic-mtu`); false for any other step. */
export function playNodeStep(nodes: NodeHosts, step: ScenarioStep, now: number): boolean {
  if (step.kind === 'root-fill') nodes.fillRoot(step.host, step.used, step.rampMs, now);
  else if (step.kind === 'nic-faults') nodes.setNicFaults(step.host, step.nic, step.drop, step.errs);
  else if (step.kind === 'nic-mtu') nodes.setMtu(step.host, step.nic, step.mtu);
  else return false;
  return true;
}
