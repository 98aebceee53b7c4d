import { own } from '../data-key.ts';

/**
 * How Ceph's own JSON formatter orders the keys of a structure: a list of keys that come first (others follow
 * in their given order), and the same for nested fields. Maps in a trace may have their keys sorted; the text
 * real ceph-mgr hands modules (`get('health').json`) has Ceph's order, and so does ours.
 */
export interface KeyOrder {
  readonly first: readonly string[];
  readonly fields?: { readonly [key: string]: KeyOrder };
  /** The order of every value of a record (e.g. each health check). */
  readonly each?: KeyOrder;
  /** The order of every element of an array. */
  readonly items?: KeyOrder;
}

function reorder(value: unknown, order: KeyOrder | undefined): unknown {
  if (order === undefined || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return order.items ? value.map((v) => reorder(v, order.items)) : value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const put = (k: string): void => {
    // `k` comes from the map: `fields.constructor` would be every object's constructor, not an order.
    out[k] = reorder(src[k], (order.fields === undefined ? undefined : own(order.fields, k)) ?? order.each);
  };
  for (const k of order.first) if (Object.hasOwn(src, k)) put(k);
  for (const k of Object.keys(src)) if (!Object.hasOwn(out, k)) put(k);
  return out;
}

/** `JSON.stringify` with Ceph's key order. */
export function cephJsonText(value: unknown, order: KeyOrder): string {
  return JSON.stringify(reorder(value, order));
}

const ADDRVEC: KeyOrder = {
  first: ['addrvec'],
  fields: { addrvec: { first: [], items: { first: ['type', 'addr', 'nonce'] } } },
};

/** `ceph health detail` as the monitors format it. */
export const HEALTH_ORDER: KeyOrder = {
  first: ['status', 'checks', 'mutes'],
  fields: {
    checks: {
      first: [],
      each: {
        first: ['severity', 'summary', 'detail', 'muted'],
        fields: { summary: { first: ['message', 'count'] }, detail: { first: [], items: { first: ['message'] } } },
      },
    },
  },
};

/** `ceph mon_status` as the monitor formats it. */
export const MON_STATUS_ORDER: KeyOrder = {
  first: [
    'name',
    'rank',
    'state',
    'election_epoch',
    'quorum',
    'quorum_age',
    'features',
    'outside_quorum',
    'extra_probe_peers',
    'sync_provider',
    'monmap',
    'feature_map',
    'stretch_mode',
  ],
  fields: {
    features: { first: ['required_con', 'required_mon', 'quorum_con', 'quorum_mon'] },
    monmap: {
      first: [
        'epoch',
        'fsid',
        'modified',
        'created',
        'min_mon_release',
        'min_mon_release_name',
        'election_strategy',
        'disallowed_leaders: ',
        'stretch_mode',
        'tiebreaker_mon',
        'removed_ranks: ',
        'features',
        'mons',
      ],
      fields: {
        features: { first: ['persistent', 'optional'] },
        mons: {
          first: [],
          items: {
            first: ['rank', 'name', 'public_addrs', 'addr', 'public_addr', 'priority', 'weight', 'crush_location'],
            fields: { public_addrs: ADDRVEC },
          },
        },
      },
    },
    feature_map: {
      first: ['mon', 'osd', 'client', 'mgr'],
      each: { first: [], items: { first: ['features', 'release', 'num'] } },
    },
  },
};
