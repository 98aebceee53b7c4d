// The parse pool's worker: lines in, parsed and validated batches out (see parse-pool.ts).
import { parentPort } from 'node:worker_threads';
import { parseTraceLine } from './parse-line.ts';
import { encodeParsedBatch } from './parsed-batch.ts';

/** A batch of lines to parse, all of one file. */
export interface ParseRequest {
  readonly id: number;
  readonly file: string;
  readonly texts: readonly string[];
  readonly lines: readonly number[];
}

const port = parentPort;
if (port !== null) {
  port.on('message', (req: ParseRequest) => {
    try {
      const parsed = req.texts.map((text, i) => parseTraceLine(text, req.file, req.lines[i]!));
      const batch = encodeParsedBatch(parsed, req.texts);
      port.postMessage({ id: req.id, batch }, batch.packed === null ? [] : [batch.packed.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: req.id, error: (e as Error).stack ?? String(e) });
    }
  });
  port.postMessage({ ready: true });
}
