// The agent's own settings (poll and lease periods), parsed once at boot beside the worker's config.
import { WorkerConfigError } from '../config/worker-config';

export interface AgentConfig {
  pollSeconds: number;
  leaseSeconds: number;
}

export const AGENT_CONFIG = Symbol('AGENT_CONFIG');

export function parseAgentConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const problems: string[] = [];
  const num = (key: string, def: number, min: number, max: number) => {
    const raw = env[key]?.trim();
    if (!raw) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${key} must be a number in [${min}, ${max}], got ${raw}`);
      return def;
    }
    return n;
  };
  const config = {
    pollSeconds: num('PODIUM_WORKER_POLL_SECONDS', 5, 0.1, 3600),
    // The api accepts leases of 10..3600 s.
    leaseSeconds: Math.round(num('PODIUM_WORKER_LEASE_SECONDS', 60, 10, 3600)),
  };
  if (problems.length) throw new WorkerConfigError(problems);
  return config;
}
