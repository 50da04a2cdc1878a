/**
 * Helpers of one kind that outlive an evaluation: an evaluation takes one (an idle one, its modules loaded and its
 * JIT warm, or a new one) and gives it back when done; one that failed, or was given back mid-work, is terminated
 * rather than trusted again. `close()` is the lifecycle's end: idle helpers stop at once, busy ones when given back
 * (bounded), so a shutdown lets running evaluations end cleanly.
 */
import { Channel, type ChannelOptions } from './channel';

export interface PoolStats {
  /** Helpers started since the pool was made. */
  created: number;
  idle: number;
  busy: number;
}

export class ThreadPool<B, R> {
  private readonly idle: { channel: Channel<B, R>; forget: () => void }[] = [];
  private readonly busy = new Set<Channel<B, R>>();
  private created = 0;
  private closing?: Promise<void>;
  private releasedAll?: () => void;

  constructor(
    private readonly options: ChannelOptions,
    private readonly maxIdle: number,
  ) {}

  get stats(): PoolStats {
    return { created: this.created, idle: this.idle.length, busy: this.busy.size };
  }

  /** Starts helpers ahead of the first evaluation (at boot), up to `count` idle. */
  prewarm(count: number): void {
    while (!this.closing && this.idle.length < Math.min(count, this.maxIdle)) this.park(this.start());
  }

  acquire(): Channel<B, R> {
    if (this.closing) throw new Error(`${this.options.script} pool is closed`);
    const entry = this.idle.pop();
    const channel = entry?.channel ?? this.start();
    entry?.forget();
    this.busy.add(channel);
    return channel;
  }

  /** Back to the pool when `reusable` (a clean finish), terminated otherwise. */
  async release(channel: Channel<B, R>, reusable: boolean): Promise<void> {
    if (!this.busy.delete(channel)) return;
    if (reusable && channel.alive && channel.inFlight === 0 && !this.closing && this.idle.length < this.maxIdle) this.park(channel);
    else await channel.terminate();
    if (this.busy.size === 0) this.releasedAll?.();
  }

  /** Stops idle helpers now and busy ones once released, or after `graceMs`. */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.idle.splice(0).map((e) => (e.forget(), e.channel.terminate())));
      if (this.busy.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((resolve) => (this.releasedAll = resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      await Promise.all([...this.busy].map((c) => c.terminate()));
      this.busy.clear();
    })();
    return this.closing;
  }

  private start(): Channel<B, R> {
    this.created++;
    return new Channel<B, R>(this.options);
  }

  private park(channel: Channel<B, R>): void {
    const entry = {
      channel,
      // An idle helper that dies just leaves the pool.
      forget: channel.onDeath(() => {
        const at = this.idle.indexOf(entry);
        if (at >= 0) this.idle.splice(at, 1);
      }),
    };
    this.idle.push(entry);
  }
}
