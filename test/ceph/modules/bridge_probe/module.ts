import { CLIReadCommand, CLIWriteCommand, CommandResult, HandleCommandResult, MgrModule } from 'mgrkit';
import { z } from 'zod';

/** Bytes with a pattern a reader can check (`i * 13 % 251`). */
function probePattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 13) % 251;
  return b;
}

/**
 * A module that acts on a real cluster through the bridge: creates pools with `mon_command`, marks OSDs out with
 * `send_command`, raises and clears a health check, and answers `ceph mgrkit probe echo`. Each command answers
 * JSON, for the test to read.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES = ['osd_map'] as const;
  /** Pool names in each `osd_map` the module was cued with. */
  private readonly cuedPools = new Set<string>();

  notify(type: string): void {
    if (type !== 'osd_map') return;
    for (const p of this.get('osd_map')?.pools ?? []) this.cuedPools.add(p.pool_name);
  }

  @CLIWriteCommand('probe pool create', { args: z.object({ pool: z.string() }) })
  async poolCreate({ pool }: { pool: string }) {
    const [r, , outs] = await this.mon_command({ prefix: 'osd pool create', pool, pg_num: 8, pgp_num: 8 });
    // What the module can read as soon as the command returned.
    const inMap = (this.get('osd_map')?.pools ?? []).some((p) => p.pool_name === pool);
    return new HandleCommandResult(0, JSON.stringify({ r, outs, inMap }));
  }

  @CLIReadCommand('probe cued', { args: z.object({ pool: z.string() }) })
  cued({ pool }: { pool: string }) {
    return new HandleCommandResult(0, JSON.stringify({ cued: this.cuedPools.has(pool) }));
  }

  @CLIWriteCommand('probe osd out', { args: z.object({ id: z.number().int() }) })
  async osdOut({ id }: { id: number }) {
    const result = new CommandResult('probe');
    this.send_command(result, 'mon', '', JSON.stringify({ prefix: 'osd out', ids: [String(id)] }), 'probe');
    const [r, , outs] = await result.wait();
    return new HandleCommandResult(0, JSON.stringify({ r, outs }));
  }

  @CLIWriteCommand('probe mon', { args: z.object({ what: z.string(), pool: z.string().optional() }) })
  async mon({ what, pool }: { what: string; pool?: string }) {
    const t0 = Date.now();
    const [r, outb, outs] = await this.mon_command({
      prefix: what,
      ...(pool ? { pool, pg_num: 8 } : {}),
      format: 'json',
    });
    return new HandleCommandResult(0, JSON.stringify({ r, outb, outs, ms: Date.now() - t0 }));
  }

  @CLIWriteCommand('probe target', { args: z.object({ type: z.string(), id: z.string(), what: z.string() }) })
  async target({ type, id, what }: { type: string; id: string; what: string }) {
    const result = new CommandResult('probe');
    // A PG's OSD takes the PG from the command, as the ceph CLI sends it.
    const cmd = { prefix: what, format: 'json', ...(type === 'pg' ? { pgid: id } : {}) };
    this.send_command(result, type, id, JSON.stringify(cmd), 'probe');
    const [r, outb, outs] = await result.wait();
    return new HandleCommandResult(0, JSON.stringify({ r, outb, outs }));
  }

  @CLIWriteCommand('probe check', { args: z.object({ what: z.string() }) })
  async check({ what }: { what: string }) {
    try {
      const { retval } = await this.check_mon_command({ prefix: what, format: 'json' });
      return new HandleCommandResult(0, JSON.stringify({ r: retval }));
    } catch (e) {
      return new HandleCommandResult(0, JSON.stringify({ failed: (e as Error).constructor.name }));
    }
  }

  @CLIWriteCommand('probe health', { args: z.object({ action: z.enum(['set', 'clear']) }) })
  probeHealth({ action }: { action: 'set' | 'clear' }) {
    this.set_health_checks(
      action === 'set'
        ? { MGRKIT_TEST: { severity: 'warning', summary: 'raised by mgrkit', count: 1, detail: ['from bridge_probe'] } }
        : {},
    );
    return new HandleCommandResult(0, '{}');
  }

  @CLIReadCommand('probe echo', { args: z.object({ text: z.string() }) })
  echo({ text }: { text: string }) {
    return new HandleCommandResult(0, `echo ${text}`, 'said it');
  }

  @CLIWriteCommand('probe rados write', { args: z.object({ pool: z.string(), count: z.number().int() }) })
  async radosWrite({ pool, count }: { pool: string; count: number }) {
    if (!(await this.rados.pool_exists(pool))) await this.rados.create_pool(pool);
    const io = await this.rados.open_ioctx(pool);
    const keys: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < count; i++) {
      await io.write_full(`obj-${i}`, `data-${i}-${'x'.repeat(i)}`);
      await io.set_xattr(`obj-${i}`, 'tag', `x-${i}`);
      keys.push(`k${i}`);
      values.push(`v${i}`);
    }
    await io.set_omap('index', keys, values);
    // A value larger than one bridge message, and an append after it.
    const big = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    await io.write_full('big', big);
    await io.append('big', 'tail');
    const [size] = await io.stat('big');
    const back = await io.read('big', size, 0);
    const sameBig = back.equals(Buffer.concat([big, Buffer.from('tail')]));
    let missing = '';
    try {
      await io.read('no-such-object');
    } catch (e) {
      missing = (e as Error).constructor.name;
    }
    let noXattr = '';
    try {
      await io.get_xattr('obj-1', 'nope');
    } catch (e) {
      noXattr = (e as Error).constructor.name;
    }
    const omap = await io.get_omap_vals('index', '', 'k1', 5);
    const listed: string[] = [];
    for await (const o of io.list_objects()) listed.push(o.key);
    io.close();
    return new HandleCommandResult(
      0,
      JSON.stringify({ size, sameBig, missing, noXattr, omap: [...omap.keys()], listed: listed.length }),
    );
  }

  @CLIWriteCommand('probe time', { args: z.object({ pool: z.string(), count: z.number().int() }) })
  async time({ pool, count }: { pool: string; count: number }) {
    const mon: number[] = [];
    const rados: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const [r] = await this.mon_command({ prefix: 'osd stat', format: 'json' });
      mon.push(performance.now() - t0);
      if (r !== 0) return new HandleCommandResult(r, '', 'osd stat failed');
    }
    const io = await this.rados.open_ioctx(pool);
    const data = Buffer.alloc(4096, 7);
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await io.write_full(`t-${i}`, data);
      await io.read(`t-${i}`, 4096, 0);
      rados.push(performance.now() - t0);
    }
    io.close();
    return new HandleCommandResult(0, JSON.stringify({ mon, rados }));
  }

  @CLIWriteCommand('probe fs write', { args: z.object({ root: z.string() }) })
  async fsWrite({ root }: { root: string }) {
    const fs = this.cephfs;
    await fs.mount(null, 'cephfs');
    try {
      await fs.mkdirs(`${root}/a/b`, 0o755);
      const put = async (path: string, data: Buffer | string) => {
        const fd = await fs.open(path, 'w', 0o644);
        await fs.write(fd, data, 0);
        await fs.close(fd);
      };
      await put(`${root}/a/one.txt`, 'one');
      await put(`${root}/a/b/two.txt`, 'two'.repeat(1000));
      await put(`${root}/big.bin`, probePattern(5 * 1024 * 1024 + 17));
      await fs.setxattr(`${root}/a/one.txt`, 'user.tag', 'mgrkit', 0);
      await fs.rename(`${root}/a/b/two.txt`, `${root}/a/b/deux.txt`);
      await fs.mkdir(`${root}/gone`, 0o755);
      await fs.rmdir(`${root}/gone`);
      await put(`${root}/tmp.txt`, 'tmp');
      await fs.unlink(`${root}/tmp.txt`);
      let missing = '';
      try {
        await fs.stat(`${root}/tmp.txt`);
      } catch (e) {
        missing = (e as Error).constructor.name;
      }
      return new HandleCommandResult(0, JSON.stringify({ missing, ...(await this.fsView(root)) }));
    } finally {
      await fs.unmount();
    }
  }

  @CLIReadCommand('probe fs read', { args: z.object({ root: z.string() }) })
  async fsRead({ root }: { root: string }) {
    const fs = this.cephfs;
    await fs.mount(null, 'cephfs');
    try {
      return new HandleCommandResult(0, JSON.stringify(await this.fsView(root)));
    } finally {
      await fs.unmount();
    }
  }

  /** What the module reads back of the tree `probe fs write` made. */
  private async fsView(root: string) {
    const fs = this.cephfs;
    const get = async (path: string) => {
      const st = await fs.stat(path);
      const fd = await fs.open(path, 'r');
      const data = await fs.read(fd, 0, st.st_size);
      await fs.close(fd);
      return data;
    };
    const big = await get(`${root}/big.bin`);
    return {
      root: (await fs.listdir(root)).sort(),
      a: (await fs.listdir(`${root}/a`)).sort(),
      b: (await fs.listdir(`${root}/a/b`)).sort(),
      one: (await get(`${root}/a/one.txt`)).toString(),
      deux: (await get(`${root}/a/b/deux.txt`)).length,
      big: big.equals(probePattern(5 * 1024 * 1024 + 17)),
      tag: (await fs.getxattr(`${root}/a/one.txt`, 'user.tag')).toString(),
      dir: ((await fs.stat(`${root}/a`)).st_mode & 0o170000) === 0o040000,
    };
  }

  @CLIReadCommand('probe connected')
  connected() {
    return new HandleCommandResult(0, JSON.stringify({ connected: this.have_mon_connection() }));
  }
}
