import { z } from 'zod';
import { OrchestratorError } from './orchestrator-error.ts';

/** Where a service's daemons go, as Ceph's `PlacementSpec`: named hosts, a label, a host pattern, a count. */
export const PlacementSpecSchema = z.object({
  hosts: z.array(z.string().min(1)).optional(),
  label: z.string().min(1).optional(),
  host_pattern: z.string().min(1).optional(),
  count: z.number().int().positive().optional(),
});
/** What {@link PlacementSpecSchema} parses to. */
export type PlacementSpec = z.output<typeof PlacementSpecSchema>;

/**
 * Parses `--placement` as Ceph's `PlacementSpec.from_string`: space- or semicolon-separated tokens, a number (or
 * `count:N`) for the count, `label:NAME`, `*` (or another glob) for a host pattern, anything else a host name (an
 * `:addr` or `=name` suffix is dropped).
 *
 * @example
 * ```ts
 * parsePlacement('3 node01 node02'); // {count: 3, hosts: ['node01', 'node02']}
 * ```
 */
export function parsePlacement(text: string | undefined): PlacementSpec {
  const out: { hosts?: string[]; label?: string; host_pattern?: string; count?: number } = {};
  const hosts: string[] = [];
  for (const token of (text ?? '').split(/[\s;]+/).filter(Boolean)) {
    const count = /^(?:count:)?(\d+)$/.exec(token);
    if (count !== null) {
      if (out.count !== undefined) throw new OrchestratorError(`Invalid placement: more than one count in '${text}'`);
      out.count = Number(count[1]);
    } else if (token.startsWith('label:')) out.label = token.slice(6);
    else if (/[*?[]/.test(token)) out.host_pattern = token;
    else hosts.push(token.split(/[:=]/)[0]!);
  }
  if (hosts.length > 0) out.hosts = hosts;
  const r = PlacementSpecSchema.safeParse(out);
  if (!r.success) throw new OrchestratorError(`Invalid placement '${text}': ${r.error.issues[0]!.message}`);
  return r.data;
}

/** The placement as Ceph prints it in `orch ls`: `count:3;label:osd`, `node01;node02`, `*`. */
export function placementText(p: PlacementSpec): string {
  const parts: string[] = [];
  if (p.count !== undefined) parts.push(`count:${p.count}`);
  if (p.label !== undefined) parts.push(`label:${p.label}`);
  if (p.hosts !== undefined) parts.push(...p.hosts);
  if (p.host_pattern !== undefined) parts.push(p.host_pattern);
  return parts.join(';');
}

/** Whether host `hostname` (with `labels`) matches the placement's host part (all hosts when it names none). */
export function placementMatches(p: PlacementSpec, hostname: string, labels: readonly string[] = []): boolean {
  if (p.hosts !== undefined) return p.hosts.includes(hostname);
  if (p.label !== undefined) return labels.includes(p.label);
  if (p.host_pattern !== undefined) {
    const re = new RegExp(
      `^${p.host_pattern
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`,
    );
    return re.test(hostname);
  }
  return true;
}
