/**
 * Serves concurrent lookups of many products with few statements. Requests are grouped (e.g. by
 * marketplace and range); a group has at most one statement in flight. Requests that arrive while it
 * runs wait and go together in the next statement (up to `maxBatch` products). The embedded engine
 * runs one statement at a time, and a statement for eight products costs little more than one for a
 * single product — so under load this is what keeps waiting short.
 *
 * After a statement the group stays open for `windowMs` before the next one goes out: the clients
 * just answered often ask again within a millisecond or two, and joining the next statement costs
 * them almost nothing, where a statement of their own would queue behind it. Measured with
 * `dromedary bench api` (4 connections, every request a cache miss): 1.6 products per statement and
 * p99 53–54 ms without the window; see docs/api.md for the figures with it.
 */

export interface BatchLoaderOptions<R, V> {
  /** The group a request belongs to: requests of one group can share a statement. */
  groupOf(request: R): string;
  /** The product a request is about (requests of one group for the same product share one result). */
  keyOf(request: R): string;
  /** Loads several requests of one group; the result maps keyOf(request) to its value. */
  load(requests: readonly R[]): Promise<Map<string, V>>;
  /** Most products per statement. Default 16. */
  maxBatch?: number;
  /** How long the group gathers requests after a statement before the next one, ms. Default 2. */
  windowMs?: number;
}

interface Waiting<R, V> {
  request: R;
  resolve: (value: V) => void;
  reject: (err: unknown) => void;
}

interface Group<R, V> {
  queue: Map<string, Waiting<R, V>[]>;
  running: boolean;
}

/** Groups concurrent loads into batches; see the file header. */
export class BatchLoader<R, V> {
  readonly #o: BatchLoaderOptions<R, V>;
  readonly #groups = new Map<string, Group<R, V>>();
  /** Statements issued and products loaded (for metrics and the benchmark). */
  readonly counters = { batches: 0, products: 0 };

  constructor(options: BatchLoaderOptions<R, V>) {
    this.#o = options;
  }

  /** The value for `request`, loaded alone or together with concurrent requests of its group. */
  load(request: R): Promise<V> {
    const name = this.#o.groupOf(request);
    let group = this.#groups.get(name);
    if (!group) this.#groups.set(name, (group = { queue: new Map(), running: false }));
    const key = this.#o.keyOf(request);
    const promise = new Promise<V>((resolve, reject) => {
      const waiting = group.queue.get(key);
      const entry = { request, resolve, reject };
      if (waiting) waiting.push(entry);
      else group.queue.set(key, [entry]);
    });
    // Let the requests of this tick join before the first statement goes out.
    if (!group.running) {
      group.running = true;
      setImmediate(() => void this.#drain(name, group));
    }
    return promise;
  }

  async #drain(name: string, group: Group<R, V>): Promise<void> {
    const maxBatch = this.#o.maxBatch ?? 16;
    const windowMs = this.#o.windowMs ?? 5;
    for (let first = true; ; first = false) {
      if (!first && windowMs > 0 && group.queue.size < maxBatch) await new Promise((resolve) => setTimeout(resolve, windowMs));
      if (group.queue.size === 0) break;
      const batch = [...group.queue.entries()].slice(0, maxBatch);
      for (const [key] of batch) group.queue.delete(key);
      this.counters.batches++;
      this.counters.products += batch.length;
      try {
        const values = await this.#o.load(batch.map(([, waiting]) => (waiting[0] as Waiting<R, V>).request));
        for (const [key, waiting] of batch) {
          const value = values.get(key);
          for (const w of waiting) {
            if (value === undefined) w.reject(new Error(`no result for ${key}`));
            else w.resolve(value);
          }
        }
      } catch (err) {
        for (const [, waiting] of batch) for (const w of waiting) w.reject(err);
      }
    }
    group.running = false;
    this.#groups.delete(name);
  }
}
