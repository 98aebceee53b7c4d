const encoder = new TextEncoder();

/** How often at most the page is told of new state: a replay at full speed publishes far faster than a page redraws. */
const MIN_INTERVAL_MS = 250;

/**
 * The Server-Sent Events stream of `/api/events`: each open page gets `data: {"seq": N}` when a snapshot it shows
 * changed, at most every 250 ms (the latest wins), and a comment line every 15 s so that proxies keep it open.
 */
export class LiveEvents {
  private readonly clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  private pending: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), 15_000);
    this.keepAlive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** A new client's stream; it is dropped when the client goes away (`signal`). */
  open(signal: AbortSignal, first: unknown): Response {
    let self: ReadableStreamDefaultController<Uint8Array> | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller;
        this.clients.add(controller);
        controller.enqueue(encoder.encode(`retry: 2000\ndata: ${JSON.stringify(first)}\n\n`));
      },
      cancel: () => {
        if (self) this.clients.delete(self);
      },
    });
    signal.addEventListener('abort', () => {
      if (self === undefined || !this.clients.delete(self)) return;
      try {
        self.close();
      } catch {}
    });
    return new Response(stream, {
      headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' },
    });
  }

  /** Tells every page of `data`, coalescing bursts. */
  publish(data: unknown): void {
    this.pending = `data: ${JSON.stringify(data)}\n\n`;
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastSent = Date.now();
      const text = this.pending;
      this.pending = null;
      if (text !== null) this.write(text);
    }, wait);
  }

  private write(text: string): void {
    const bytes = encoder.encode(text);
    for (const c of this.clients) {
      try {
        c.enqueue(bytes);
      } catch {
        this.clients.delete(c);
      }
    }
  }

  /** Ends every stream (at shutdown). */
  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.keepAlive);
    for (const c of this.clients) {
      try {
        c.close();
      } catch {}
    }
    this.clients.clear();
  }
}
