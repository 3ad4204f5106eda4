import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';

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
    const pods = workloads().map(podLabels);
    for (const w of [...of('Deployment'), ...of('StatefulSet')]) expect(selects(w.spec.selector.matchLabels, podLabels(w))).toBe(true);
    for (const s of of('Service')) expect([s.metadata.name, pods.some((p) => selects(s.spec.selector, p))]).toEqual([s.metadata.name, true]);
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

  it('lists every manifest except the secret template in the kustomization', () => {
    const k = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[] };
    expect([...k.resources].sort()).toEqual(manifests.filter((f) => f !== 'secret.template.yaml').sort());
  });
});
