import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

/* The compose stack and the container image, checked offline: no Docker engine runs on these machines. */
const infra = join(process.cwd(), 'infra');
const read = (file: string): string => readFileSync(join(infra, file), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  restart?: string;
  ports?: string[];
}
const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const nodes = ['eventstore1', 'eventstore2', 'eventstore3'];
const app = ['migrate', 'api', 'projector', 'eventstore-setup'];

describe('compose stack (infra/compose.yaml)', () => {
  it('has the production-like services', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'eventstore-certs', 'eventstore-setup', ...nodes, 'migrate', 'postgres', 'projector', 'proxy'].sort());
  });

  it('runs a three-node event store cluster where each node seeds from the other two', () => {
    for (const n of nodes) {
      const env = services[n]!.environment!;
      expect(env['KURRENTDB_CLUSTER_SIZE']).toBe('3');
      expect(
        env['KURRENTDB_GOSSIP_SEED']!.split(',')
          .map((s) => s.split(':')[0])
          .sort(),
      ).toEqual(nodes.filter((o) => o !== n));
      expect(env['KURRENTDB_CERTIFICATE_FILE']).toBe(`/certs/node${n.at(-1)}/node.crt`);
      expect(env['KURRENTDB_INSECURE']).toBeUndefined();
      expect(services[n]!.depends_on?.['eventstore-certs']?.condition).toBe('service_completed_successfully');
    }
  });

  it('builds one image for every registry process and selects the role by command', () => {
    for (const s of app) expect([s, services[s]!.image, services[s]!.build?.dockerfile]).toEqual([s, 'biomarker-registry:local', 'infra/Dockerfile']);
    expect(services['migrate']!.command).toEqual(['migrate']);
    expect(services['api']!.command).toEqual(['api']);
    expect(services['projector']!.command).toEqual(['projector']);
  });

  it('points the registry at the whole cluster over TLS as the registry user, not admin', () => {
    for (const s of ['api', 'projector', 'migrate']) {
      const env = services[s]!.environment!;
      expect(env['EVENT_STORE']).toBe('eventstoredb');
      expect(env['DATABASE_URL']).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      const cs = env['EVENTSTORE_CONNECTION_STRING']!;
      expect(cs).toMatch(/^esdb:\/\/registry:/);
      expect(cs).toContain('tls=true');
      for (const n of nodes) expect(cs).toContain(`${n}:2113`);
    }
  });

  it('runs API and projector as the app login; only migrate has the owner (least privilege, README "Database roles")', () => {
    for (const s of ['api', 'projector']) {
      expect(new URL(services[s]!.environment!['DATABASE_URL']!).username).toBe('registry_api');
      expect(services[s]!.environment!['MIGRATION_DATABASE_URL']).toBeUndefined();
    }
    expect(new URL(services['migrate']!.environment!['MIGRATION_DATABASE_URL']!).username).toBe('registry_owner');
    expect((services['postgres'] as { volumes: string[] }).volumes).toContain('./postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-registry-roles.sh:ro');
    expect(services['postgres']!.environment!['POSTGRES_USER']).not.toMatch(/^registry/);
  });

  it('orders start-up: database healthy → migrate done → API and projector; cluster healthy → ACLs set', () => {
    expect(services['migrate']!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const s of ['api', 'projector']) {
      expect(services[s]!.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        'eventstore-setup': { condition: 'service_completed_successfully' },
      });
    }
    for (const n of nodes) expect(services['eventstore-setup']!.depends_on?.[n]?.condition).toBe('service_healthy');
    expect(services['proxy']!.depends_on).toEqual({ api: { condition: 'service_healthy' } });
  });

  it('health-checks every long-running service and runs one-shots once', () => {
    for (const [name, s] of Object.entries(services)) {
      const oneShot = ['eventstore-certs', 'eventstore-setup', 'migrate'].includes(name);
      if (oneShot) expect([name, s.restart ?? 'no']).toEqual([name, 'no']);
      else expect([name, Array.isArray(s.healthcheck?.test)]).toEqual([name, true]);
    }
    expect(services['api']!.healthcheck!.test.join(' ')).toContain('/health/ready');
  });

  it('runs two API replicas reachable only through the proxy', () => {
    expect(services['api']!.deploy?.replicas).toBe(2);
    expect(services['api']!.ports).toBeUndefined();
    expect(services['proxy']!.ports).toEqual(['8080:8080']);
    const nginx = read('nginx/nginx.conf');
    expect(nginx).toMatch(/set \$api http:\/\/api:4000;/);
    expect(nginx).toMatch(/proxy_pass \$api;/);
  });

  it('declares every named volume it mounts', () => {
    const used = Object.values(services).flatMap((s) =>
      ((s as { volumes?: string[] }).volumes ?? []).map((v) => v.split(':')[0]!).filter((v) => !v.startsWith('.')),
    );
    for (const v of used) expect([v, v in compose.volumes]).toEqual([v, true]);
  });
});

describe('container image (infra/Dockerfile)', () => {
  const dockerfile = read('Dockerfile');
  const entrypoint = read('docker-entrypoint.sh');

  it('builds in stages on a current Node LTS with npm ci and npm run build', () => {
    const froms = dockerfile.match(/^FROM .+$/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24[-.\w]*$/m);
    expect(dockerfile).toMatch(/RUN .*npm ci /);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('runs as a non-root user with api as the default command', () => {
    const users = dockerfile.match(/^USER (\S+)$/gm) ?? [];
    expect(users.at(-1)).toBe('USER node');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/registry"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["api"\]$/m);
    expect(dockerfile).toMatch(/^EXPOSE 4000$/m);
  });

  it('has the three entry commands, each on its built entry point, which the build checks exists', () => {
    const entries = {
      api: 'dist/services/registry-api/src/main.js',
      projector: 'dist/services/registry-projector/src/main.js',
      migrate: 'dist/migrations/migrate.js',
    };
    for (const [command, file] of Object.entries(entries)) {
      // Node flags (the API's young-generation size) may stand between `node` and the entry point.
      expect(entrypoint).toMatch(new RegExp(`^\\s*${command}\\)\\s+exec node (--[a-z-]+=\\S+ )*${file.replace(/[.]/g, '\\.')} "\\$@" ;;$`, 'm'));
      expect(dockerfile).toContain(`test -f ${file}`);
    }
    expect(entrypoint).toMatch(/exit 64/);
  });
});
