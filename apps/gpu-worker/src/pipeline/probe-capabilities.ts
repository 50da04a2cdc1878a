/** What this machine can run, measured by loading a one-node model on each provider (the agent registers this). */
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { quietOrtLog } from './ort-log';
import { cpuCores, cpuModel, gpuInfo } from './device-info';

export interface WorkerCapabilities {
  executionProviders: ('CUDA' | 'CPU')[];
  gpuName?: string;
  gpuMemoryMb?: number;
  cpuCores: number;
  cpuModel: string;
  /** Why CUDA did not load, when it did not. */
  cudaUnavailableReason?: string;
}

export async function probeCapabilities(deviceId = 0): Promise<WorkerCapabilities> {
  quietOrtLog();
  const providers: ('CUDA' | 'CPU')[] = [];
  let cudaUnavailableReason: string | undefined;
  try {
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders: [{ name: 'cuda', deviceId }] });
    await session.release();
    providers.push('CUDA');
  } catch (error) {
    cudaUnavailableReason = (error as Error).message.split('\n')[0];
  }
  providers.push('CPU');
  const gpu = providers.includes('CUDA') ? gpuInfo(deviceId) : undefined;
  return {
    executionProviders: providers,
    ...(gpu ? { gpuName: gpu.name, gpuMemoryMb: gpu.memoryMb } : {}),
    cpuCores: cpuCores(),
    cpuModel: cpuModel(),
    ...(cudaUnavailableReason ? { cudaUnavailableReason } : {}),
  };
}

function identityModel(): Uint8Array {
  const io = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } });
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ version: 13 }],
    graph: { name: 'probe', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [io('x')], output: [io('y')] },
  }).finish();
}
