// ONNX Runtime prints a multi-line native error on stderr when the CUDA provider library cannot load, before the
// exception the worker already catches and reports (job error, capabilities, fallback reason). ORT's log level is
// fixed when its environment is created (the first session), so it is set before any session in each thread.
import './ort-telemetry';
import * as ort from 'onnxruntime-node';

export function quietOrtLog(): void {
  ort.env.logLevel = 'fatal';
}
