/** `osd_max_markdown_count`: how often an OSD may be marked down within {@link MARKDOWN_PERIOD_MS} and keep running. */
export const MAX_MARKDOWN_COUNT = 5;

/** `osd_max_markdown_period` (600 s), in ms. */
export const MARKDOWN_PERIOD_MS = 600_000;

/**
 * When each OSD was wrongly marked down (`OSD::osd_markdown_log`): an OSD marked down more than
 * {@link MAX_MARKDOWN_COUNT} times within {@link MARKDOWN_PERIOD_MS} shuts itself down instead of booting again.
 */
export class OsdMarkdownLog {
  private readonly log = new Map<number, number[]>();

  /** Notes that OSD `o` was marked down at `now`; true when that is once too often and it shuts down. */
  note(o: number, now: number): boolean {
    const times = (this.log.get(o) ?? []).filter((t) => t > now - MARKDOWN_PERIOD_MS);
    times.push(now);
    this.log.set(o, times);
    return times.length > MAX_MARKDOWN_COUNT;
  }
}
