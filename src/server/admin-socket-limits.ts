import { MAX_REQUEST_DEPTH } from './admin-request.ts';

/** Requests larger than this get an error reply and the connection is closed. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** What one connection may hold, and how many connections there may be. */
export interface AdminSocketLimits {
  /** The longest request line, in bytes. */
  readonly maxRequestBytes: number;
  /** The deepest nesting of arrays and objects in a request. */
  readonly maxRequestDepth: number;
  /**
   * Unread reply bytes past which the socket takes no further request from the client (it stops reading from it)
   * until the client has read them.
   */
  readonly replyHighWater: number;
  /** Bytes of requests not yet answered that the socket reads ahead while it is busy with one. */
  readonly readAhead: number;
  /** A client that reads none of its pending replies for this long is dropped. */
  readonly stallMs: number;
  /** Connections served at once; more are refused. */
  readonly maxConnections: number;
}

export const DEFAULT_ADMIN_SOCKET_LIMITS: AdminSocketLimits = Object.freeze({
  maxRequestBytes: MAX_REQUEST_BYTES,
  maxRequestDepth: MAX_REQUEST_DEPTH,
  replyHighWater: 1024 * 1024,
  readAhead: 1024 * 1024,
  stallMs: 60_000,
  maxConnections: 128,
});
