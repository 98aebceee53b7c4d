/**
 * The Ceph mgr module guide's command examples (`antigravity send to blackhole`, `antigravity list wormholes`),
 * written against mgrkit. Run it with `--module-path examples/modules --modules antigravity`.
 */
import { constants } from 'node:os';
import {
  CLICommand,
  CLIReadCommand,
  ErrorResponse,
  HandleCommandResult,
  MgrModule,
  type NotifyType,
  Responder,
} from 'mgrkit';
import { z } from 'zod';

interface Wormhole {
  name: string;
  age: number;
}

/** A black hole's location, "decrypted" with the passphrase given as `-i` input. */
function decrypt(blackhole: string, passphrase: string): string {
  if (passphrase.trim() !== 'open sesame') throw new Error('bad passphrase');
  return `${blackhole} (decrypted)`;
}

export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];

  private readonly objects = new Map<string, string>([
    ['apple', 'a red apple'],
    ['newton', 'a physicist'],
  ]);
  private readonly blackholes = ['Sagittarius A*', 'M87*'];
  private readonly wormholes: Record<string, Wormhole[]> = {
    apple: [
      { name: 'einstein-rosen', age: 42 },
      { name: 'morris-thorne', age: 7 },
    ],
  };

  /** Send the specified object to black hole */
  @CLICommand('antigravity send to blackhole', {
    perm: 'rw',
    args: z.object({ oid: z.string(), blackhole: z.string().optional() }),
  })
  send_to_blackhole({ oid, blackhole }: { oid: string; blackhole?: string }, inbuf?: string): HandleCommandResult {
    if (!this.objects.has(oid))
      return new HandleCommandResult(-constants.errno.ENOENT, '', `object '${oid}' not found`);
    let location: string;
    if (blackhole !== undefined && inbuf) {
      try {
        location = decrypt(blackhole, inbuf);
      } catch {
        return new HandleCommandResult(-constants.errno.EINVAL, '', 'unable to decrypt location');
      }
    } else {
      location = this.blackholes[oid.length % this.blackholes.length]!;
    }
    this.objects.delete(oid);
    this.log.info({ oid, location }, 'sent to a black hole');
    return new HandleCommandResult(0, `the black hole swallowed '${oid}'`, '');
  }

  /** Command to list known wormholes. */
  @CLIReadCommand('antigravity list wormholes', {
    args: z.object({ oid: z.string(), details: z.boolean().optional() }),
  })
  @Responder()
  list_wormholes({ oid, details }: { oid: string; details?: boolean }): Array<Partial<Wormhole>> {
    const found = this.wormholes[oid];
    if (found === undefined) throw new ErrorResponse(`no wormholes known for '${oid}'`, -constants.errno.ENOENT);
    return details ? found : found.map((w) => ({ name: w.name }));
  }
}
