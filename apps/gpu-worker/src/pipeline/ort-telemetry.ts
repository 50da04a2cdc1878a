// ONNX Runtime's native library starts Microsoft's 1DS telemetry client when its environment is created (the first
// session of a process): the client leaves an empty /tmp/mat-debug-<pid>.log behind every process (its trace file,
// cpp_client_telemetry's PAL log_init) and keeps an offline event store under
// ~/.cache/Microsoft/DeveloperTools/.onnxruntime. ORT_DISABLE_TELEMETRY=1, read with getenv at that moment, turns the
// client off and both files with it. Only the main thread can set it for the process (a worker_threads thread's
// process.env is its own copy), so this runs on load in the modules the main thread loads before any session
// (ort-log.ts, inference-thread-client.ts). An operator's own value wins.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) process.env.ORT_DISABLE_TELEMETRY ??= '1';
