// Imported first by entry points: sharp decodes on libuv's pool, whose size is read once, at its first use.
import { cpus } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, Math.min(cpus().length, 32)));
