/**
 * Group commit: batches that arrive while an insert is running wait and go into the next insert
 * together. Under light load each batch is written at once; under heavy load inserts grow, so
 * ClickHouse makes fewer, larger parts and the per-insert cost is paid once per group.
 * Every waiting batch resolves only when the insert holding it has returned (durable), and all
 * of a group's batches fail together when it fails: none is acked.
 * One insert at a time by default: ClickHouse parallelises an insert itself, and measured on
 * bench:ingest (2 cores) one in flight gave both the highest rate and the lowest p99 ack latency
 * (p99 146 ms against 209 ms with 2 and 278 ms with 4, at 20,000 samples/s).
 */

interface Waiter {
  tsv: string;
  rows: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Queues encoded rows and flushes them in groups through `write`. */
export class GroupCommitter {
  private queue: Waiter[] = [];
  private queuedRows = 0;
  private running = 0;

  constructor(
    private readonly write: (tsv: string) => Promise<void>,
    private readonly maxRows = 200_000,
    private readonly maxConcurrent = 1,
  ) {}

  /** Resolves once the rows are in a returned insert. */
  add(tsv: string, rows: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ tsv, rows, resolve, reject });
      this.queuedRows += rows;
      this.pump();
    });
  }

  /** Rows waiting for an insert (for admin metrics). */
  get depth(): number {
    return this.queuedRows;
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const group: Waiter[] = [];
      let rows = 0;
      while (this.queue.length > 0 && (group.length === 0 || rows + (this.queue[0] as Waiter).rows <= this.maxRows)) {
        const w = this.queue.shift() as Waiter;
        group.push(w);
        rows += w.rows;
      }
      this.queuedRows -= rows;
      this.running++;
      void this.flush(group);
    }
  }

  private async flush(group: Waiter[]): Promise<void> {
    try {
      await this.write(group.length === 1 ? (group[0] as Waiter).tsv : group.map((w) => w.tsv).join(''));
      for (const w of group) w.resolve();
    } catch (err) {
      for (const w of group) w.reject(err);
    } finally {
      this.running--;
      this.pump();
    }
  }
}
