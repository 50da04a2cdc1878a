/**
 * Loads the session on the provider asked for. ORT does not fall back by itself (asking for CUDA where it cannot
 * load throws), so AUTO tries CUDA, then CPU with the reason kept; CUDA asked for explicitly fails with the reason.
 */
import { WorkerError } from '../errors/worker-error';
import type { ExecutionProviderRequest } from './evaluation-types';
import type { InferenceInit, ProviderName } from './inference-protocol';
import { InferenceThreadClient, type InferencePool } from './inference-thread-client';

export interface OpenedSession {
  client: InferenceThreadClient;
  provider: ProviderName;
  fallbackReason?: string;
}

export async function openSession(pool: InferencePool, request: ExecutionProviderRequest, init: Omit<InferenceInit, 'provider'>): Promise<OpenedSession> {
  if (request !== 'CPU') {
    try {
      return { client: await InferenceThreadClient.start(pool, { ...init, provider: 'CUDA' }), provider: 'CUDA' };
    } catch (error) {
      const message = firstLine((error as Error).message);
      const reason = `CUDA execution provider unavailable: ${message}`;
      if (request === 'CUDA') {
        if (/cuda|provider|shared librar|libcu/i.test(message)) throw new WorkerError('PROVIDER_UNAVAILABLE', reason);
        throw new WorkerError('MODEL_INVALID', `onnxruntime cannot load the model: ${message}`);
      }
      try {
        return { client: await InferenceThreadClient.start(pool, { ...init, provider: 'CPU' }), provider: 'CPU', fallbackReason: reason };
      } catch (cpuError) {
        throw new WorkerError('MODEL_INVALID', `onnxruntime cannot load the model: ${firstLine((cpuError as Error).message)}`);
      }
    }
  }
  try {
    return { client: await InferenceThreadClient.start(pool, { ...init, provider: 'CPU' }), provider: 'CPU' };
  } catch (error) {
    throw new WorkerError('MODEL_INVALID', `onnxruntime cannot load the model: ${firstLine((error as Error).message)}`);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 500);
}
