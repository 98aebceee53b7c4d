import { z } from 'zod';

/** The version of the bridge's wire messages: both ends refuse another. */
export const BRIDGE_VERSION = 1;

/**
 * The first line mgrkit sends on a connection that must authenticate (TCP with a shared secret): a fresh nonce the
 * recorder answers with {@link BridgeAuthSchema}. The secret itself never crosses the connection.
 */
export const BridgeChallengeSchema = z.object({
  bridge: z.literal('challenge'),
  version: z.literal(BRIDGE_VERSION),
  nonce: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * The first line mgrkit sends on a connection that needs no proof (a Unix socket only its owner can open): the
 * recorder may say hello at once.
 */
export const BridgeOpenSchema = z.object({
  bridge: z.literal('open'),
  version: z.literal(BRIDGE_VERSION),
});

/** The recorder's answer to a challenge: hex HMAC-SHA256 of the nonce keyed by the shared secret. */
export const BridgeAuthSchema = z.object({
  bridge: z.literal('auth'),
  version: z.literal(BRIDGE_VERSION),
  hmac: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * The recorder says it can act for mgrkit (commands, health, `ceph mgrkit`): sent once a connection is open (and
 * authenticated, where it must be), before anything else the bridge carries. A recorder that never sends it only
 * records.
 */
export const BridgeHelloSchema = z.object({
  bridge: z.literal('hello'),
  version: z.literal(BRIDGE_VERSION),
  /** The operations it serves. */
  ops: z.array(z.string()),
  /** The manager it runs in (`x` for `mgr.x`). */
  mgr: z.string(),
  /**
   * Names this run of the recorder: the ids it remembers die with it, so a request sent to another run is not sent
   * again (it may have been applied).
   */
  instance: z.string().optional(),
});

/**
 * A request either end sends; `id` is unique per sender and is sent again, unchanged, when the request is retried
 * on a new connection, so that the other end applies it once.
 */
export const BridgeRequestSchema = z.object({
  bridge: z.literal('request'),
  id: z.string().min(1),
  op: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
});

/** The answer to a request, as a command answers: errno-style `r` (0 or `-errno`), output and status text. */
export const BridgeReplySchema = z.object({
  bridge: z.literal('reply'),
  id: z.string().min(1),
  r: z.number().int(),
  outb: z.string(),
  outs: z.string(),
  /** The OSD map epoch the manager held when a command completed: the caller's next `get('osd_map')` shows it. */
  osd_epoch: z.number().int().nonnegative().optional(),
});

/**
 * mgrkit's last line to a peer it refuses (a wrong or missing answer to the challenge), saying why, so that the
 * recorder can tell its operator; the connection closes after it.
 */
export const BridgeRefusedSchema = z.object({
  bridge: z.literal('refused'),
  version: z.literal(BRIDGE_VERSION),
  why: z.string(),
});

/** Every line of the bridge (a line whose object has a `bridge` key); the rest of a connection's lines are events. */
export const BridgeMessageSchema = z.discriminatedUnion('bridge', [
  BridgeChallengeSchema,
  BridgeOpenSchema,
  BridgeRefusedSchema,
  BridgeAuthSchema,
  BridgeHelloSchema,
  BridgeRequestSchema,
  BridgeReplySchema,
]);
/** What {@link BridgeMessageSchema} parses to. */
export type BridgeMessage = z.infer<typeof BridgeMessageSchema>;
/** What {@link BridgeRequestSchema} parses to. */
export type BridgeRequest = z.infer<typeof BridgeRequestSchema>;
/** What {@link BridgeReplySchema} parses to. */
export type BridgeReply = z.infer<typeof BridgeReplySchema>;
