/**
 * A counting semaphore with a bounded wait: at most `permits` holders at once; up to `maxQueue` callers wait
 * (first come, first served) for at most `maxWaitMs`; anyone beyond that is told "busy" at once (the HTTP layer
 * answers 503 with Retry-After). Used to bound zip-fallback inflations and concurrent uploads.
 */
export type Release = () => void;

export class Limiter {
  private active = 0;
  private readonly queue: { resolve: (r: Release | undefined) => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    readonly permits: number,
    private readonly maxQueue: number,
    private readonly maxWaitMs: number,
  ) {
    if (!(permits >= 1)) throw new Error('a limiter needs at least one permit');
  }

  /** Holders right now. */
  get inUse(): number {
    return this.active;
  }

  /** Waiting callers right now. */
  get waiting(): number {
    return this.queue.length;
  }

  /** A release function (call it once, extra calls are ignored), or undefined when busy. */
  acquire(): Promise<Release | undefined> {
    if (this.active < this.permits) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueue || this.maxWaitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const item = {
        resolve,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(item);
          if (i >= 0) this.queue.splice(i, 1);
          resolve(undefined);
        }, this.maxWaitMs),
      };
      this.queue.push(item);
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.resolve(this.releaser()); // the permit passes on
      } else this.active--;
    };
  }
}
