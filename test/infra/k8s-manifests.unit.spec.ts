import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';

/*
 * Offline validation of infra/k8s: every object against the Kubernetes OpenAPI schema shipped by the
 * `kubernetes-models` package (ajv-compiled validators), then structural checks that the schema cannot
 * express (it accepts unknown fields and knows nothing about how our objects refer to each other).
 */
const dir = join(process.cwd(), 'infra', 'k8s');
// Parsed YAML is untyped: the schema validation below is what checks its shape.
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; [k: string]: any };

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const manifests = files.filter((f) => f !== 'kustomization.yaml');
const objects: { file: string; obj: Obj }[] = manifests.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return { file, obj: doc.toJS() as Obj };
  }),
);
const of = (kind: string): Obj[] => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);
const named = (kind: string, name: string): Obj => {
  const found = of(kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

async function modelFor(apiVersion: string, kind: string): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [undefined, apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  const mod = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = mod[kind];
  if (!model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

const workloads = (): Obj[] => [...of('Deployment'), ...of('StatefulSet'), ...of('Job')];
const podLabels = (w: Obj): Record<string, string> => w.spec.template.metadata.labels ?? {};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Every field of core/v1 Container; the schema lets a misspelt probe (`readinesProbe`) through silently. */
const CONTAINER_FIELDS = new Set([
  'args',
  'command',
  'env',
  'envFrom',
  'image',
  'imagePullPolicy',
  'lifecycle',
  'livenessProbe',
  'name',
  'ports',
  'readinessProbe',
  'resizePolicy',
  'resources',
  'restartPolicy',
  'securityContext',
  'startupProbe',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
]);

/** The patroni.yml the StatefulSet mounts (ConfigMap registry-postgres-patroni). */
const patroniConfig = (): any => parse(named('ConfigMap', 'registry-postgres-patroni').data['patroni.yml']);
const envOf = (c: { env?: { name: string; value?: string; valueFrom?: any }[] }) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));

describe('Kubernetes manifests (infra/k8s)', () => {
  it('parses every file and finds the objects the deployment needs', () => {
    expect(objects.length).toBeGreaterThanOrEqual(15);
    const kinds = new Set(objects.map((o) => o.obj.kind));
    for (const k of [
      'Namespace',
      'ConfigMap',
      'Secret',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Job',
      'StatefulSet',
      'NetworkPolicy',
    ]) {
      expect([k, kinds.has(k)]).toEqual([k, true]);
    }
  });

  it('validates every object against the Kubernetes schema', async () => {
    for (const { file, obj } of objects) {
      const Model = await modelFor(obj.apiVersion, obj.kind);
      expect(() => new Model(obj).validate()).not.toThrow();
      expect(`${file}: ${obj.kind}/${obj.metadata.name}`).toMatch(/^[a-z.-]+\.yaml: [A-Za-z]+\/[a-z0-9-]+$/);
    }
  });

  it('has a validator that rejects a broken object (the check bites)', async () => {
    const api = structuredClone(named('Deployment', 'registry-api'));
    api.spec.replicas = 'two';
    delete api.spec.template.spec.containers[0].image;
    const Model = await modelFor('apps/v1', 'Deployment');
    expect(() => new Model(api).validate()).toThrow(/replicas/);
  });

  it('puts every namespaced object in the registry namespace', () => {
    for (const { obj } of objects.filter((o) => o.obj.kind !== 'Namespace'))
      expect([obj.metadata.name, obj.metadata.namespace]).toEqual([obj.metadata.name, 'biomarker-registry']);
  });

  it('uses only known container fields, pinned images, limits and a locked-down security context', () => {
    for (const w of workloads()) {
      const pod = w.spec.template.spec;
      expect([w.metadata.name, pod.securityContext?.runAsNonRoot]).toEqual([w.metadata.name, true]);
      expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      for (const c of pod.containers) {
        expect(Object.keys(c).filter((k) => !CONTAINER_FIELDS.has(k))).toEqual([]);
        expect(c.image).toMatch(/:[0-9][\w.-]*$/);
        for (const r of ['cpu', 'memory']) {
          expect([c.name, r, typeof c.resources?.requests?.[r], typeof c.resources?.limits?.[r]]).toEqual([c.name, r, 'string', 'string']);
        }
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
      }
    }
  });

  it('selects its own pods: workload selectors, Services, PDBs and NetworkPolicies all match real pod labels', () => {
    // Patroni adds its role label (replica / master) to its pods at run time.
    const role = patroniConfig().kubernetes.role_label as string;
    const patroniPods = ['replica', 'master'].map((r) => ({ ...podLabels(named('StatefulSet', 'registry-postgres')), [role]: r }));
    const pods = [...workloads().map(podLabels), ...patroniPods];
    for (const w of [...of('Deployment'), ...of('StatefulSet')]) expect(selects(w.spec.selector.matchLabels, podLabels(w))).toBe(true);
    // Patroni's leader Service and its `-config` Service have no selector: Patroni keeps their Endpoints (test below).
    const patroniManaged = [patroniConfig().scope, `${patroniConfig().scope}-config`];
    for (const s of of('Service').filter((x) => !patroniManaged.includes(x.metadata.name)))
      expect([s.metadata.name, pods.some((p) => selects(s.spec.selector, p))]).toEqual([s.metadata.name, true]);
    for (const name of patroniManaged) expect(named('Service', name).spec.selector).toBeUndefined();
    for (const b of of('PodDisruptionBudget'))
      expect([b.metadata.name, pods.some((p) => selects(b.spec.selector.matchLabels, p))]).toEqual([b.metadata.name, true]);
    for (const n of of('NetworkPolicy')) {
      const sel = n.spec.podSelector;
      if (sel.matchLabels) expect([n.metadata.name, pods.some((p) => selects(sel.matchLabels, p))]).toEqual([n.metadata.name, true]);
      for (const expr of sel.matchExpressions ?? []) {
        for (const value of expr.values) expect([n.metadata.name, value, pods.some((p) => p[expr.key] === value)]).toEqual([n.metadata.name, value, true]);
      }
    }
  });

  it('gives the API health probes on named ports, autoscaling and a disruption budget', () => {
    const api = named('Deployment', 'registry-api');
    const [c] = api.spec.template.spec.containers;
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health/ready' });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/health/live' });
    const portNames = c.ports.map((p: { name: string }) => p.name);
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(portNames).toContain(probe.httpGet.port);
    expect(c.args).toEqual(['api']);
    const hpa = named('HorizontalPodAutoscaler', 'registry-api');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'registry-api' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(named('PodDisruptionBudget', 'registry-api').spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
  });

  it('runs two projector replicas on different nodes and keeps one through a drain', () => {
    const projector = named('Deployment', 'registry-projector');
    expect(projector.spec.replicas).toBe(2);
    expect(projector.spec.template.spec.containers[0].args).toEqual(['projector']);
    expect(projector.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(named('PodDisruptionBudget', 'registry-projector').spec.minAvailable).toBe(1);
  });

  it('runs migrations as a Job with the migrate command', () => {
    const job = named('Job', 'registry-migrate');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
  });

  it('runs EventStoreDB as three nodes behind a headless Service, losing at most one to disruption', () => {
    const sts = named('StatefulSet', 'eventstoredb');
    expect(sts.spec.replicas).toBe(3);
    const headless = named('Service', sts.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    const env = Object.fromEntries(sts.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env['KURRENTDB_CLUSTER_SIZE']).toBe('3');
    expect(env['KURRENTDB_CLUSTER_DNS']).toBe(`${headless.metadata.name}.biomarker-registry.svc.cluster.local`);
    expect(named('PodDisruptionBudget', 'eventstoredb').spec.maxUnavailable).toBe(1);
    expect(sts.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('denies ingress by default and lets only registry clients reach the event store', () => {
    expect(named('NetworkPolicy', 'default-deny-ingress').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    const es = named('NetworkPolicy', 'eventstoredb-ingress');
    const clientLabel = es.spec.ingress[0].from[0].podSelector.matchLabels;
    const clients = workloads()
      .filter((w) => selects(clientLabel, podLabels(w)))
      .map((w) => w.metadata.name)
      .sort();
    expect(clients).toEqual(['eventstoredb-setup', 'registry-api', 'registry-projector']);
  });

  it('gives the owner login (MIGRATION_DATABASE_URL) to the migrate Job alone; the app logs in as registry_api', () => {
    const mounting = workloads()
      .filter((w) => JSON.stringify(w.spec.template.spec.containers).includes('registry-migration-secrets'))
      .map((w) => w.metadata.name);
    expect(mounting).toEqual(['registry-migrate']);
    const app = named('Secret', 'registry-secrets').stringData as Record<string, string>;
    expect(new URL(app['DATABASE_URL']!).username).toBe('registry_api');
    expect(app['MIGRATION_DATABASE_URL']).toBeUndefined();
    expect(new URL((named('Secret', 'registry-migration-secrets').stringData as Record<string, string>)['MIGRATION_DATABASE_URL']!).username).toBe(
      'registry_owner',
    );
  });

  it('keeps real secrets out: the Secret is a template of placeholders', () => {
    for (const secret of of('Secret')) expect(Object.values(secret['stringData'] as Record<string, string>).every((v) => v.includes('CHANGE_ME'))).toBe(true);
    for (const { file, obj } of objects.filter((o) => o.obj.kind !== 'Secret'))
      expect([file, JSON.stringify(obj).includes('CHANGE_ME')]).toEqual([file, false]);
  });

  it('ships the Patroni ConfigMap exactly as `ha.mjs render --kubernetes` makes it from the one template', () => {
    const out = mkdtempSync(join(tmpdir(), 'registry-k8s-render-'));
    try {
      const r = spawnSync(process.execPath, ['infra/ha/ha.mjs', 'render', out, '--kubernetes'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(readFileSync(join(dir, 'postgres-patroni-config.yaml'), 'utf8')).toBe(readFileSync(join(out, 'kubernetes/postgres-patroni-config.yaml'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('runs PostgreSQL as three Patroni pods in Kubernetes mode, with the RBAC, Services and per-pod settings it needs', () => {
    const p = patroniConfig();
    const sts = named('StatefulSet', 'registry-postgres');
    expect(sts.spec.replicas).toBe(3);
    const pod = sts.spec.template.spec;
    const labels = podLabels(sts);
    // Patroni finds its members by its labels plus the scope label, and labels each pod with its role.
    for (const [k, v] of Object.entries(p.kubernetes.labels as Record<string, string>)) expect(labels[k]).toBe(v);
    expect(labels[p.kubernetes.scope_label]).toBe(p.scope);
    expect(p.kubernetes.use_endpoints).toBe(true);
    // The config mounted where the command reads it.
    const [c] = pod.containers;
    const mount = c.volumeMounts.find(
      (m: { name: string }) => pod.volumes.find((v: any) => v.name === m.name)?.configMap?.name === 'registry-postgres-patroni',
    );
    expect(c.command).toEqual(['patroni', `${mount.mountPath}/patroni.yml`]);
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain(p.postgresql.data_dir.split('/').slice(0, -1).join('/'));
    expect(sts.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    // What differs per pod comes from Patroni's environment, never the shared file.
    const env = envOf(c);
    expect(env['PATRONI_NAME']!.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
    expect(env['PATRONI_KUBERNETES_NAMESPACE']!.valueFrom.fieldRef.fieldPath).toBe('metadata.namespace');
    expect(env['POD_IP']!.valueFrom.fieldRef.fieldPath).toBe('status.podIP');
    expect(env['PATRONI_KUBERNETES_POD_IP']!.value).toBe('$(POD_IP)');
    expect(env['PATRONI_RESTAPI_CONNECT_ADDRESS']!.value).toBe(`$(POD_IP):${p.restapi.listen.split(':')[1]}`);
    expect(env['PATRONI_POSTGRESQL_CONNECT_ADDRESS']!.value).toBe(`$(POD_IP):${p.postgresql.listen.split(':')[1]}`);
    const pgSecret = named('Secret', 'registry-postgres-secrets').stringData as Record<string, string>;
    for (const v of ['PATRONI_SUPERUSER_PASSWORD', 'PATRONI_REPLICATION_PASSWORD']) expect(Object.keys(pgSecret)).toContain(env[v]!.valueFrom.secretKeyRef.key);
    expect(JSON.stringify(p)).not.toMatch(
      /set-per-pod-by-(?!PATRONI_(NAME|RESTAPI_CONNECT_ADDRESS|POSTGRESQL_CONNECT_ADDRESS|SUPERUSER_PASSWORD|REPLICATION_PASSWORD))/,
    );
    // Patroni's Kubernetes DCS: Endpoints (leader lock, config), its pod's role label, the -config Service.
    expect(pod.serviceAccountName).toBe('registry-postgres');
    const binding = of('RoleBinding').find((b) =>
      b.subjects.some((s: { kind: string; name: string }) => s.kind === 'ServiceAccount' && s.name === pod.serviceAccountName),
    )!;
    const rules = named('Role', binding.roleRef.name).rules as { resources: string[]; verbs: string[] }[];
    const may = (resource: string, verb: string) => rules.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
    for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'update']) {
      expect([verb, may('endpoints', verb), may('configmaps', verb)]).toEqual([verb, true, true]);
    }
    for (const verb of ['get', 'list', 'watch', 'patch']) expect(['pods', verb, may('pods', verb)]).toEqual(['pods', verb, true]);
    expect(may('services', 'create')).toBe(true);
    // Write Service = the scope (Patroni writes the leader into its Endpoints); read Service = role=replica.
    expect(named('Service', p.scope).spec.ports[0].port).toBe(5432);
    const replicas = named('Service', 'registry-postgres-replicas');
    expect(replicas.spec.selector).toMatchObject({ [p.kubernetes.scope_label]: p.scope, [p.kubernetes.role_label]: 'replica' });
    expect(sts.spec.serviceName).toBe(`${p.scope}-config`);
    expect(named('Service', `${p.scope}-config`).spec.clusterIP).toBe('None');
    expect(named('PodDisruptionBudget', 'registry-postgres').spec.maxUnavailable).toBe(1);
  });

  it('points the registry at the Patroni Services: writes and migrations at the leader, reads at the replicas', () => {
    const p = patroniConfig();
    const host = (service: string) => `${service}.biomarker-registry.svc.cluster.local`;
    const app = named('Secret', 'registry-secrets').stringData as Record<string, string>;
    expect(new URL(app['DATABASE_URL']!).host).toBe(`${host(p.scope)}:5432`);
    expect(new URL(app['READ_DATABASE_URL']!).host).toBe(`${host('registry-postgres-replicas')}:5432`);
    expect(new URL((named('Secret', 'registry-migration-secrets').stringData as Record<string, string>)['MIGRATION_DATABASE_URL']!).host).toBe(
      `${host(p.scope)}:5432`,
    );
    // Only the registry's workloads reach PostgreSQL (besides the members themselves).
    const policy = named('NetworkPolicy', 'registry-postgres-ingress');
    const clientLabel = policy.spec.ingress[0].from[0].podSelector.matchLabels;
    expect(
      workloads()
        .filter((w) => selects(clientLabel, podLabels(w)))
        .map((w) => w.metadata.name)
        .sort(),
    ).toEqual(['registry-api', 'registry-migrate', 'registry-projector']);
    expect(policy.spec.ingress[1].ports.map((x: { port: number }) => x.port).sort()).toEqual([5432, 8008]);
  });

  it('keeps DATA_DIR and AUDIT_ANCHOR_DIR on shared volumes and takes the production keys from the Secret', () => {
    const config = named('ConfigMap', 'registry-config').data as Record<string, string>;
    const claims = new Map(of('PersistentVolumeClaim').map((c) => [c.metadata.name, c]));
    const mountedOn = (w: Obj, path: string): string | undefined => {
      const pod = w.spec.template.spec;
      const m = pod.containers[0].volumeMounts.find((x: { mountPath: string }) => x.mountPath === path);
      return pod.volumes.find((v: any) => v.name === m?.name)?.persistentVolumeClaim?.claimName;
    };
    const api = named('Deployment', 'registry-api');
    for (const [variable, claim] of [
      ['DATA_DIR', 'registry-data'],
      ['AUDIT_ANCHOR_DIR', 'registry-audit-anchor'],
    ] as const) {
      expect([variable, mountedOn(api, config[variable]!)]).toEqual([variable, claim]);
      // Every API pod sees the same files (the key ring, the one seal journal).
      expect(claims.get(claim)!.spec.accessModes).toEqual(['ReadWriteMany']);
    }
    expect(mountedOn(named('Deployment', 'registry-projector'), config['DATA_DIR']!)).toBe('registry-data');
    expect(api.spec.template.spec.securityContext.fsGroup).toBe(api.spec.template.spec.securityContext.runAsUser);
    // NODE_ENV=production (the image) refuses to start without these.
    const app = named('Secret', 'registry-secrets').stringData as Record<string, string>;
    for (const key of ['PRIVACY_MASTER_KEY', 'AUDIT_SEAL_SIGNING_KEY']) expect([key, typeof app[key]]).toEqual([key, 'string']);
  });

  it('lists every manifest except the secret template in the kustomization', () => {
    const k = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[] };
    expect([...k.resources].sort()).toEqual(manifests.filter((f) => f !== 'secret.template.yaml').sort());
  });
});
