import type { CommandTuple } from '../commands/result.ts';
import { AdminClient } from '../server/admin-client.ts';
import type { AdminRequest } from '../server/admin-socket.ts';
import { within } from './within.ts';

/**
 * Sends a request to another manager's admin socket at `addr` and returns its answer; rejects when the socket cannot
 * be reached or does not answer in `timeoutMs`.
 */
export async function forwardCommand(addr: string, request: AdminRequest, timeoutMs: number): Promise<CommandTuple> {
  let client: AdminClient | undefined;
  try {
    client = await AdminClient.connect(addr);
    const sent = client.send(request.cmd as Record<string, unknown>, {
      inbuf: request.inbuf,
      entity: request.entity,
    });
    const r = await within(sent, timeoutMs, `no answer in ${timeoutMs} ms`);
    return [r.retval, r.stdout, r.stderr];
  } finally {
    client?.close();
  }
}
