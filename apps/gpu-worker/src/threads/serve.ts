/**
 * The helper's side of a Channel (channel.ts), in a worker thread or a child process alike: every request is handed
 * to `handler`, whose value (or error) is the reply. A handler returns `withTransfer(body, buffers)` to move buffers
 * back to a thread without a copy. Requests are handled in arrival order; an async handler may overlap the next one.
 */
import { parentPort } from 'node:worker_threads';
import type { Reply, Request } from './channel';

const TRANSFER = Symbol('transfer');

export interface Transferring<R> {
  [TRANSFER]: ArrayBuffer[];
  body: R;
}

export function withTransfer<R>(body: R, buffers: ArrayBuffer[]): Transferring<R> {
  return { [TRANSFER]: buffers, body };
}

export function serve<B, R>(handler: (body: B) => R | Transferring<R> | Promise<R | Transferring<R>>): void {
  const send = sender();
  const answer = (id: number, value: R | Transferring<R>) => {
    if (value && typeof value === 'object' && TRANSFER in value) send({ id, ok: true, body: value.body }, value[TRANSFER]);
    else send({ id, ok: true, body: value as R }, []);
  };
  const refuse = (id: number, error: unknown) => send({ id, ok: false, message: error instanceof Error ? error.message : String(error) }, []);
  onRequest((request: Request<B>) => {
    try {
      const value = handler(request.body);
      if (value instanceof Promise)
        value.then(
          (v) => answer(request.id, v),
          (e) => refuse(request.id, e),
        );
      else answer(request.id, value);
    } catch (error) {
      refuse(request.id, error);
    }
  });
  // Modules loaded: from here the helper can be terminated safely (see Channel.terminate).
  send({ id: -1, ok: true, body: 'ready' }, []);
}

function sender(): (reply: Reply<unknown>, transfer: ArrayBuffer[]) => void {
  if (parentPort) return (reply, transfer) => parentPort!.postMessage(reply, transfer);
  if (process.send) return (reply) => process.send!(reply);
  throw new Error('serve() runs in a worker thread or a forked child process');
}

function onRequest(listener: (request: Request<any>) => void): void {
  if (parentPort) {
    parentPort.on('message', listener);
    return;
  }
  process.on('message', listener);
  // The parent went away (it exited, or closed the channel): nothing will ask this process for anything again.
  process.once('disconnect', () => process.exit(0));
}
