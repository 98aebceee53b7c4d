/** Items per block: a new snapshot re-encodes the blocks holding an item that changed. */
export const BLOCK = 16;

const EMPTY = Buffer.alloc(0);

/**
 * The sample lines of a list of items (OSDs, daemons) in one or more families, kept encoded per block of
 * {@link BLOCK} items: an item that is the same object at the same place as last time keeps its lines, and only the
 * blocks holding an item that changed are joined and encoded again. A family's text is its blocks in order.
 */
export class BlockPieces<T> {
  private items: readonly T[] = [];
  /** By item: its line in each family ('' for none). */
  private lines: (readonly string[])[] = [];
  /** By family, then block: the block's lines encoded, until an item of the block changes. */
  private blocks: (Buffer | undefined)[][];

  /** `render(item, i)`: the item's line in each of the `families` families ('' for none), newline included. */
  constructor(
    private readonly families: number,
    private readonly render: (item: T, i: number) => readonly string[],
  ) {
    this.blocks = Array.from({ length: families }, () => []);
  }

  /** Each family's encoded blocks for `items` (empty blocks left out). */
  update(items: readonly T[]): Buffer[][] {
    const before = this.items;
    if (before.length !== items.length) {
      this.lines = new Array(items.length);
      this.blocks = Array.from({ length: this.families }, () => []);
      for (let i = 0; i < items.length; i++) this.lines[i] = this.render(items[i]!, i);
    } else {
      for (let i = 0; i < items.length; i++) {
        if (items[i] === before[i]) continue;
        this.lines[i] = this.render(items[i]!, i);
        const b = (i / BLOCK) | 0;
        for (const f of this.blocks) f[b] = undefined;
      }
    }
    this.items = items;
    const nBlocks = Math.ceil(items.length / BLOCK);
    const out: Buffer[][] = [];
    for (let f = 0; f < this.families; f++) {
      const blocks = this.blocks[f]!;
      const pieces: Buffer[] = [];
      for (let b = 0; b < nBlocks; b++) {
        let buf = blocks[b];
        if (buf === undefined) {
          let text = '';
          const end = Math.min(items.length, (b + 1) * BLOCK);
          for (let i = b * BLOCK; i < end; i++) text += this.lines[i]![f]!;
          buf = text === '' ? EMPTY : Buffer.from(text);
          blocks[b] = buf;
        }
        if (buf.length > 0) pieces.push(buf);
      }
      out.push(pieces);
    }
    return out;
  }
}
