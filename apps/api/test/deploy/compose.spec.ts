// docker/compose.yml (and docker/compose.scaled.yml, last) kept honest without a Docker engine (none on the development machines): parsed with a YAML
// parser and checked the way `docker compose config` and a first `up` would fail — every variable has a default,
// every depends_on target has a healthcheck and is waited on healthy, every build context, Dockerfile and mounted
// file exists, every COPY source is in the build context (and not excluded by .dockerignore) or made by an earlier
// stage, every service restarts, the enrolment path and ports agree between the api, the workers and Prometheus,
// every environment key is one the apps read and docs/configuration.md documents, and the Grafana dashboard queries
// only metrics the code defines.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AppMetrics } from '../../src/observability/app-metrics';
import { processRegistry } from '../../src/observability/metrics';
import { workerMetrics } from '../../../gpu-worker/src/observability/worker-metrics';

const ROOT = resolve(__dirname, '../../../..');
const DOCKER = join(ROOT, 'docker');
const composeText = readFileSync(join(DOCKER, 'compose.yml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, any>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);
const configDoc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

/** The keys the apps read from the environment (their config parsers are the only readers, CONTRIBUTING.md rule 9). */
const readKeys = new Set(
  ['apps/api/src/config/app-config.ts', 'apps/gpu-worker/src/config/worker-config.ts', 'apps/gpu-worker/src/agent/agent-config.ts'].flatMap((f) =>
    [...readFileSync(join(ROOT, f), 'utf8').matchAll(/env(?:\.|\[')([A-Z][A-Z0-9_]+)|'([A-Z][A-Z0-9_]{2,})'/g)].map((m) => m[1] ?? m[2]),
  ),
);
/** Variables the images set or third-party images read (documented by their own projects). */
const IMAGE_KEYS = new Set(['NODE_ENV', 'POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'GF_AUTH_ANONYMOUS_ENABLED', 'GF_AUTH_ANONYMOUS_ORG_ROLE', 'GF_SECURITY_ADMIN_PASSWORD']);

function envOf(service: any): Record<string, string> {
  const env = service.environment ?? {};
  return Array.isArray(env) ? Object.fromEntries(env.map((e: string) => e.split(/=(.*)/s).slice(0, 2))) : env;
}

const GLOB = new Map([
  ['**/', '(.*/)?'],
  ['**', '.*'],
  ['*', '[^/]*'],
]);

/** `.dockerignore` patterns as the build context sees them (the forms this repository uses: names and dir/*.ext). */
function ignored(path: string): boolean {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return patterns.some((p) => {
    // `**/` any folders, `**` anything, `*` anything within one name; the rest literal.
    const glob = p
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) => GLOB.get(part) ?? part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('');
    const re = new RegExp(`^${glob}(/.*)?$`);
    return re.test(path);
  });
}

interface Stage {
  name?: string;
  copies: { from?: string; sources: string[] }[];
  base: string;
}

function stagesOf(dockerfile: string): Stage[] {
  const stages: Stage[] = [];
  const lines = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ').split('\n');
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ base: from[1], name: from[2], copies: [] });
    const copy = /^COPY\s+(.*)$/i.exec(line);
    if (copy) {
      const words = copy[1].split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const fromFlag = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      stages.at(-1)!.copies.push({ from: fromFlag, sources: paths.slice(0, -1) });
    }
  }
  return stages;
}

describe('docker/compose.yml', () => {
  it('parses, and every ${VAR} it reads has a default', () => {
    const vars = [...composeText.matchAll(/(?<!\$)\$\{([^}]+)\}/g)].map((m) => m[1]);
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars) expect(v, `\${${v}} needs a default (\${NAME:-value})`).toMatch(/^[A-Z_][A-Z0-9_]*:-/);
  });

  it('waits on healthy dependencies only: every depends_on target exists and has a healthcheck', () => {
    for (const [name, service] of services) {
      for (const [target, how] of Object.entries<any>(service.depends_on ?? {})) {
        expect(compose.services[target], `${name} depends on ${target}`).toBeDefined();
        expect(compose.services[target].healthcheck?.test, `${target} (a dependency of ${name}) has a healthcheck`).toBeDefined();
        expect(how.condition, `${name} waits for ${target} to be healthy`).toBe('service_healthy');
      }
    }
  });

  it('restarts every service, and lets the api and the workers stop gracefully under an init', () => {
    for (const [name, service] of services) expect(service.restart, name).toBe('unless-stopped');
    for (const name of ['api', 'worker', 'gpu-worker']) {
      expect(compose.services[name].stop_grace_period, name).toMatch(/^\d+s$/);
      expect(compose.services[name].init, `${name} runs under an init that forwards SIGTERM`).toBe(true);
    }
  });

  it('has build contexts and Dockerfiles that exist, and mounts only files and named volumes that exist', () => {
    for (const [name, service] of services) {
      if (service.build) {
        const context = resolve(DOCKER, service.build.context);
        expect(statSync(context).isDirectory(), `${name} build context`).toBe(true);
        expect(existsSync(join(context, service.build.dockerfile)), `${name} Dockerfile`).toBe(true);
      } else {
        expect(service.image, `${name} has an image or a build`).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      }
      for (const volume of service.volumes ?? []) {
        const [source] = String(volume).split(':');
        if (source.startsWith('.')) expect(existsSync(resolve(DOCKER, source)), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes, `${name} mounts the named volume ${source}`).toHaveProperty(source);
      }
    }
  });

  it('starts PostgreSQL, Redis, the api and a CPU worker by default; the GPU worker and monitoring are opt-in profiles', () => {
    const byDefault = services.filter(([, s]) => !s.profiles).map(([n]) => n);
    expect(byDefault.sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
    expect(compose.services['gpu-worker'].profiles).toEqual(['gpu']);
    expect(compose.services['gpu-worker'].deploy.resources.reservations.devices[0]).toMatchObject({ driver: 'nvidia', capabilities: ['gpu'] });
    expect(envOf(compose.services.worker).PODIUM_EXECUTION_PROVIDER).toBe('CPU');
    expect(compose.services.prometheus.profiles).toEqual(['monitoring']);
  });

  it('enrols workers without a manual step: the api writes the token where the workers read it', () => {
    const api = compose.services.api;
    const tokenFile = envOf(api).PODIUM_SHARED_WORKER_TOKEN_FILE;
    expect(tokenFile).toBeTruthy();
    const apiMount = api.volumes.find((v: string) => tokenFile.startsWith(`${v.split(':')[1]}/`));
    expect(apiMount, 'the api mounts the token folder').toBeDefined();
    for (const name of ['worker', 'gpu-worker']) {
      const worker = compose.services[name];
      expect(envOf(worker).PODIUM_WORKER_TOKEN_FILE, name).toBe(tokenFile);
      expect(envOf(worker).PODIUM_WORKER_TOKEN, `${name} needs no token variable`).toBeUndefined();
      const mount = worker.volumes.find((v: string) => v.split(':')[0] === apiMount.split(':')[0]);
      expect(mount, `${name} mounts the api's token volume`).toBe(`${apiMount.split(':')[0]}:${apiMount.split(':')[1]}:ro`);
      expect(envOf(worker).PODIUM_API_URL).toBe('http://api:4000');
    }
  });

  it('sets only environment keys the apps read, each documented in docs/configuration.md', () => {
    for (const name of ['api', 'worker', 'gpu-worker']) {
      for (const key of Object.keys(envOf(compose.services[name]))) {
        expect(readKeys.has(key), `${name}: ${key} is read by the config`).toBe(true);
        expect(configDoc, `${key} is documented`).toContain(`\`${key}\``);
      }
    }
    for (const [name, service] of services) for (const key of Object.keys(envOf(service))) expect(readKeys.has(key) || IMAGE_KEYS.has(key), `${name}: ${key}`).toBe(true);
  });

  it('probes the ports the apps listen on, and Prometheus scrapes them', () => {
    expect(JSON.stringify(compose.services.api.healthcheck.test)).toContain('127.0.0.1:4000/readyz');
    for (const name of ['worker', 'gpu-worker']) {
      const port = envOf(compose.services[name]).PODIUM_WORKER_HEALTH_PORT;
      expect(JSON.stringify(compose.services[name].healthcheck.test), name).toContain(`127.0.0.1:${port}/readyz`);
      expect(envOf(compose.services[name]).PODIUM_WORKER_HEALTH_HOST).toBe('0.0.0.0');
    }
    const prometheus = parse(readFileSync(join(DOCKER, 'monitoring/prometheus.yml'), 'utf8'));
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((c: any) => [c.job_name, c]));
    expect(jobs['podium-api'].static_configs[0].targets).toEqual([`api:${envOf(compose.services.api).PODIUM_METRICS_PORT}`]);
    expect(jobs['podium-worker'].dns_sd_configs[0]).toMatchObject({ names: ['worker', 'gpu-worker'], port: Number(envOf(compose.services.worker).PODIUM_WORKER_HEALTH_PORT) });
    // The metrics listener is on the compose network only: not published.
    expect(JSON.stringify(compose.services.api.ports)).not.toContain('9464');
  });
});

describe('docker/*.Dockerfile', () => {
  for (const file of ['api.Dockerfile', 'gpu-worker.Dockerfile']) {
    it(`${file}: every COPY source is in the build context or made by an earlier stage; Node is an LTS line ≥ 24`, () => {
      const stages = stagesOf(join(DOCKER, file));
      expect(stages.length).toBeGreaterThan(1);
      stages.forEach((stage, i) => {
        for (const copy of stage.copies) {
          if (copy.from) {
            const earlier = stages.slice(0, i).map((s) => s.name);
            expect(earlier, `COPY --from=${copy.from} names an earlier stage`).toContain(copy.from);
            continue;
          }
          for (const source of copy.sources) {
            expect(existsSync(join(ROOT, source)), `${file}: COPY ${source} exists`).toBe(true);
            expect(ignored(source), `${file}: COPY ${source} is not excluded by .dockerignore`).toBe(false);
          }
        }
      });
      for (const node of stages.map((s) => /^node:(\d+)/.exec(s.base)).filter((m): m is RegExpExecArray => !!m)) {
        const major = Number(node[1]);
        expect(major).toBeGreaterThanOrEqual(24);
        expect(major % 2, 'an even (LTS) line').toBe(0);
      }
    });
  }

  it('.dockerignore keeps installed and built outputs and local data out of the context', () => {
    for (const path of ['node_modules', 'apps/api/node_modules', 'dist', 'data', '.git']) expect(ignored(path), path).toBe(true);
    for (const path of ['apps', 'libs', 'bench', 'assets', 'package.json', 'docker/api.Dockerfile']) expect(ignored(path), path).toBe(false);
  });
});

describe('docker/monitoring/grafana/podium-dashboard.json', () => {
  it('queries only metrics the api and the worker define', () => {
    const dashboard = JSON.parse(readFileSync(join(DOCKER, 'monitoring/grafana/podium-dashboard.json'), 'utf8'));
    const appMetrics = new AppMetrics({ dialect: 'sqlite' } as never, { countByStatus: async () => new Map() } as never);
    const defined = new Set([...appMetrics.registry.getMetricsAsArray(), ...workerMetrics.registry.getMetricsAsArray(), ...processRegistry.getMetricsAsArray()].map((m) => m.name));
    const exprs: string[] = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThan(15);
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/\b(podium_[a-z_]+|process_[a-z_]+|nodejs_[a-z0-9_]+)/g)) {
        const family = name.replace(/_(bucket|count|sum)$/, '');
        expect(defined.has(name) || defined.has(family), `${name} in "${expr}"`).toBe(true);
      }
    }
    const provisioning = parse(readFileSync(join(DOCKER, 'monitoring/grafana/provisioning/dashboards/podium.yml'), 'utf8'));
    const mount = compose.services.grafana.volumes.find((v: string) => v.includes('podium-dashboard.json')).split(':')[1];
    expect(dirname(mount)).toBe(provisioning.providers[0].options.path);
  });
});

describe('docker/compose.scaled.yml', () => {
  const text = readFileSync(join(DOCKER, 'compose.scaled.yml'), 'utf8');
  const scaled = parse(text, { merge: true }) as { services: Record<string, any>; volumes: Record<string, unknown> };
  const all = Object.entries(scaled.services);
  const replicas = ['api-a', 'api-b'];
  /** Keys the AWS SDK reads (its credential and region chain), documented in docs/configuration.md. */
  const SDK_KEYS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']);
  const OTHER_IMAGE_KEYS = new Set([...IMAGE_KEYS, 'MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD', 'BUCKET']);

  it('parses, and every ${VAR} it reads has a default', () => {
    const vars = [...text.matchAll(/(?<!\$)\$\{([^}]+)\}/g)].map((m) => m[1]);
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars) expect(v, `\${${v}} needs a default`).toMatch(/^[A-Z_][A-Z0-9_]*:-/);
  });

  it('waits on healthy services, or on the one-shot bucket job having succeeded; long-running services restart', () => {
    for (const [name, service] of all) {
      for (const [target, how] of Object.entries<any>(service.depends_on ?? {})) {
        const dep = scaled.services[target];
        expect(dep, `${name} depends on ${target}`).toBeDefined();
        if (how.condition === 'service_completed_successfully') expect(dep.restart, `${target} is a one-shot job`).toBe('on-failure');
        else {
          expect(how.condition, `${name} waits for ${target}`).toBe('service_healthy');
          expect(dep.healthcheck?.test, `${target} has a healthcheck`).toBeDefined();
        }
      }
      if (name !== 'minio-bucket') expect(service.restart, name).toBe('unless-stopped');
    }
    for (const name of [...replicas, 'worker']) expect(scaled.services[name]).toMatchObject({ init: true, stop_grace_period: expect.stringMatching(/^\d+s$/) });
  });

  it('mounts only files and named volumes that exist; builds from existing Dockerfiles', () => {
    for (const [name, service] of all) {
      if (service.build) expect(existsSync(join(resolve(DOCKER, service.build.context), service.build.dockerfile)), name).toBe(true);
      else expect(service.image, name).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      for (const volume of service.volumes ?? []) {
        const [source] = String(volume).split(':');
        if (source.startsWith('.')) expect(existsSync(resolve(DOCKER, source)), `${name} mounts ${source}`).toBe(true);
        else expect(scaled.volumes, `${name} mounts ${source}`).toHaveProperty(source);
      }
    }
  });

  it('runs two api replicas on one database, one Redis and one S3 bucket, each with a data folder of its own', () => {
    const [a, b] = replicas.map((r) => envOf(scaled.services[r]));
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'PODIUM_ARTIFACT_STORE', 'PODIUM_S3_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
      expect(a[key], key).toBeTruthy();
      expect(b[key], key).toBe(a[key]);
    }
    expect(a.PODIUM_ARTIFACT_STORE).toMatch(/^s3:\/\/\$\{PODIUM_S3_BUCKET:-podium\}\//);
    expect(envOf(scaled.services['minio-bucket']).BUCKET).toBe('${PODIUM_S3_BUCKET:-podium}');
    expect(a.PODIUM_S3_ENDPOINT).toBe('http://minio:9000');
    expect(a.AWS_ACCESS_KEY_ID).toBe(envOf(scaled.services.minio).MINIO_ROOT_USER);
    expect(a.AWS_SECRET_ACCESS_KEY).toBe(envOf(scaled.services.minio).MINIO_ROOT_PASSWORD);
    const dataVolumes = replicas.map((r) => scaled.services[r].volumes.find((v: string) => v.endsWith(':/data')));
    expect(new Set(dataVolumes).size).toBe(2);
    expect(new Set(replicas.map((r) => scaled.services[r].hostname)).size, 'distinct host names (the temp-file sweep tells replicas by them)').toBe(2);
    // One writer of the shared worker token; the worker reads it and talks to the load balancer.
    expect(b.PODIUM_SHARED_WORKER_TOKEN_FILE).toBeUndefined();
    expect(envOf(scaled.services.worker).PODIUM_WORKER_TOKEN_FILE).toBe(a.PODIUM_SHARED_WORKER_TOKEN_FILE);
    expect(envOf(scaled.services.worker).PODIUM_API_URL).toBe('http://proxy:80');
  });

  it('balances over exactly the api replicas, passing graphql-ws upgrades and streaming bodies', () => {
    const conf = readFileSync(join(DOCKER, 'nginx/scaled.conf'), 'utf8');
    expect([...conf.matchAll(/^\s*server\s+([a-z0-9.-]+:\d+)/gm)].map((m) => m[1]).sort()).toEqual(replicas.map((r) => `${r}:4000`));
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade');
    expect(conf).toContain('proxy_request_buffering off');
    expect(conf).toMatch(/client_max_body_size 0;/);
    expect(scaled.services.proxy.volumes[0]).toBe('./nginx/scaled.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(JSON.stringify(scaled.services.proxy.ports)).toContain(':80');
  });

  it("sets only environment keys the apps (or the AWS SDK, or the images) read, the apps' documented", () => {
    for (const [name, service] of all) {
      for (const key of Object.keys(envOf(service))) {
        expect(readKeys.has(key) || SDK_KEYS.has(key) || OTHER_IMAGE_KEYS.has(key), `${name}: ${key}`).toBe(true);
        if (readKeys.has(key) || SDK_KEYS.has(key)) expect(configDoc, `${key} is documented`).toContain(`\`${key}\``);
      }
    }
  });
});
