/** Names the hardware a result was measured on. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface GpuInfo {
  name: string;
  memoryMb?: number;
}

export function cpuModel(): string {
  return cpus()[0]?.model?.trim() || 'unknown CPU';
}

export function cpuCores(): number {
  return cpus().length;
}

/** GPU `deviceId` from nvidia-smi, else from the driver's /proc entries; undefined without an NVIDIA driver. */
export function gpuInfo(deviceId = 0): GpuInfo | undefined {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits', `--id=${deviceId}`], {
      encoding: 'utf8',
      timeout: 5_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [name, memory] = out.trim().split(/,\s*/);
    if (name) return { name, memoryMb: Number(memory) || undefined };
  } catch {
    // no nvidia-smi: try the driver's files
  }
  const root = '/proc/driver/nvidia/gpus';
  if (!existsSync(root)) return undefined;
  const entries = readdirSync(root).sort();
  const entry = entries[deviceId] ?? entries[0];
  if (!entry) return undefined;
  const model = /Model:\s*(.+)/.exec(readFileSync(`${root}/${entry}/information`, 'utf8'))?.[1]?.trim();
  return model ? { name: model } : undefined;
}
