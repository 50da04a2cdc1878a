/**
 * Decode helpers (decode-thread.ts), each taking the next image when it has the fewest in flight: worker threads, or
 * child processes where threads stop scaling (`bench/worker-decode-scaling.ts` measures which: a process pays a copy
 * of the pixels over IPC, a thread shares its process's allocator and libvips). A helper that dies fails its images
 * and is replaced. The pool lives as long as its owner (WorkerThreads): started at boot, closed at shutdown.
 */
import { Channel, HelperGoneError, type HelperKind } from '../threads/channel';
import type { DecodedImage } from './decode-image';
import type { DecodeReply, DecodeRequest } from './decode-thread';
import type { PadMode } from './letterbox';

export interface DecodePoolOptions {
  helpers: number;
  kind: HelperKind;
}

export class DecodePool {
  private readonly helpers: Channel<DecodeRequest, DecodeReply>[];
  private closed = false;

  constructor(readonly options: DecodePoolOptions) {
    this.helpers = Array.from({ length: Math.max(1, options.helpers) }, () => this.start());
  }

  get size(): number {
    return this.helpers.length;
  }

  get kind(): HelperKind {
    return this.options.kind;
  }

  /** Decoded pixels, or with `writeTo` written to a file by the helper (the reply then has none). */
  decode(file: string, size: number, pad: PadMode, writeTo?: DecodeRequest['writeTo']): Promise<DecodeReply> {
    if (this.closed) return Promise.reject(new HelperGoneError('decode pool closed'));
    const helper = this.helpers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    return helper.request({ file, size, pad, ...(writeTo ? { writeTo } : {}) });
  }

  /** Lets images in flight finish (bounded: `graceMs`), then stops the helpers. */
  /** Decoded pixels, here. */
  async decodePixels(file: string, size: number, pad: PadMode): Promise<DecodedImage & { checksum: string; decodeMs: number }> {
    const reply = await this.decode(file, size, pad);
    if (!reply.pixels) throw new Error(`decode helper sent no pixels for ${file}`);
    return { ...reply, pixels: reply.pixels };
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.helpers.map((h) => h.drainTo(0))), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await Promise.all(this.helpers.map((h) => h.terminate()));
  }

  private start(): Channel<DecodeRequest, DecodeReply> {
    const channel = new Channel<DecodeRequest, DecodeReply>({
      script: 'decode-thread',
      fromDir: __dirname,
      kind: this.options.kind,
      // A decode process drives sharp with a small libuv pool of its own: the parallelism is the processes.
      env: this.options.kind === 'process' ? { ...process.env, UV_THREADPOOL_SIZE: '2' } : undefined,
    });
    channel.onDeath(() => {
      if (this.closed) return;
      this.helpers[this.helpers.indexOf(channel)] = this.start();
    });
    return channel;
  }
}
