#!/usr/bin/env node
/* global setTimeout, fetch, AbortSignal */
// A three-node PostgreSQL HA cluster on one machine: etcd ×3, Patroni ×3 (PostgreSQL 15, synchronous replication),
// HAProxy with a write port (the leader) and a read port (the replicas). `npm run ha:up` / `npm run ha:down`.
// Plain JavaScript on purpose: it runs without a build, from npm scripts, CI and test/ha alike.
//
//   node infra/ha/ha.mjs up       start (or find running) and wait until a leader and a synchronous standby exist;
//                                  prints the connection settings, last line one JSON object
//   node infra/ha/ha.mjs down     stop every process started by `up` (by its pid file) and delete the scratch dir
//   node infra/ha/ha.mjs status   Patroni's view of the cluster (GET /cluster)
//   node infra/ha/ha.mjs render <out-dir>   the same templates for real hosts (HA_NODE_HOSTS=a,b,c), no start
//
// Settings (environment): HA_BASE_PORT (56600; every port is an offset from it, see `layout`), HA_DIR (scratch
// directory, default <tmp>/registry-ha-<base port>), PG_BIN_DIR (newest /usr/lib/postgresql/*/bin), HA_TTL /
// HA_LOOP_WAIT / HA_RETRY_TIMEOUT (10 / 2 / 4 s), HA_NODE_HOSTS (127.0.0.1 ×3), HA_LISTEN_HOST (127.0.0.1).
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const HERE = dirname(fileURLToPath(import.meta.url));
const TEMPLATES = join(HERE, 'templates');
const NODES = 3;
const SCOPE = 'registry';
const DATABASE = 'registry';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every port, directory and setting of one cluster, derived from the environment. */
export function layout(env = process.env) {
  const base = Number(env.HA_BASE_PORT ?? 56600);
  if (!Number.isInteger(base) || base < 1024 || base > 65000) throw new Error(`HA_BASE_PORT: ${env.HA_BASE_PORT} is not a port base`);
  const dir = env.HA_DIR ?? join(tmpdir(), `registry-ha-${base}`);
  const hosts = (env.HA_NODE_HOSTS ?? '127.0.0.1,127.0.0.1,127.0.0.1').split(',').map((h) => h.trim());
  if (hosts.length !== NODES) throw new Error(`HA_NODE_HOSTS: ${NODES} hosts expected`);
  const [ttl, loopWait, retryTimeout] = [Number(env.HA_TTL ?? 10), Number(env.HA_LOOP_WAIT ?? 2), Number(env.HA_RETRY_TIMEOUT ?? 4)];
  // Patroni's own rule: a leader must be able to retry for retry_timeout twice within one ttl.
  if (loopWait + 2 * retryTimeout > ttl) throw new Error(`HA_TTL ${ttl} must be at least HA_LOOP_WAIT + 2 × HA_RETRY_TIMEOUT (${loopWait + 2 * retryTimeout})`);
  const nodes = hosts.map((host, i) => ({
    index: i,
    name: `pg${i + 1}`,
    host,
    etcdName: `etcd${i + 1}`,
    etcdClientPort: base + i,
    etcdPeerPort: base + 10 + i,
    pgPort: base + 20 + i,
    restPort: base + 30 + i,
  }));
  return {
    base,
    dir,
    nodes,
    listenHost: env.HA_LISTEN_HOST ?? '127.0.0.1',
    writePort: base + 40,
    readPort: base + 41,
    statsPort: base + 42,
    ttl,
    loopWait,
    retryTimeout,
    pgBinDir: env.PG_BIN_DIR ?? newestPgBinDir(),
    superuserPassword: env.HA_SUPERUSER_PASSWORD ?? 'postgres',
    replicationPassword: env.HA_REPLICATION_PASSWORD ?? 'replicator',
  };
}

function newestPgBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return '/usr/lib/postgresql/15/bin';
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0] ?? '15', 'bin');
}

/** `{{NAME}}` → value; a placeholder without a value is an error (a silently empty setting is worse). */
export function renderTemplate(name, values) {
  const text = readFileSync(join(TEMPLATES, name), 'utf8');
  return text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error(`${name}: no value for {{${key}}}`);
    return String(values[key]);
  });
}

/** Every config file of the cluster, as { relative path: content }; `dcs: 'kubernetes'` → `renderKubernetes`. */
export function renderAll(l, { dcs = 'etcd3' } = {}) {
  if (dcs === 'kubernetes') return renderKubernetes(l);
  const files = {};
  const etcdHosts = l.nodes.map((n) => `${n.host}:${n.etcdClientPort}`);
  const initialCluster = l.nodes.map((n) => `${n.etcdName}=http://${n.host}:${n.etcdPeerPort}`).join(',');
  const dcsBlock = ['etcd3:', `  hosts: ${etcdHosts.join(',')}`, '  protocol: http'].join('\n');
  for (const n of l.nodes) {
    const nodeDir = join(l.dir, n.name);
    files[`${n.etcdName}/etcd.yml`] = renderTemplate('etcd.yml.tmpl', {
      ETCD_NAME: n.etcdName,
      ETCD_CLUSTER_SIZE: l.nodes.length,
      ETCD_DATA_DIR: join(l.dir, n.etcdName, 'data'),
      ETCD_LISTEN_HOST: l.listenHost,
      ETCD_HOST: n.host,
      ETCD_CLIENT_PORT: n.etcdClientPort,
      ETCD_PEER_PORT: n.etcdPeerPort,
      ETCD_INITIAL_CLUSTER: initialCluster,
      SCOPE,
    });
    files[`${n.name}/patroni.yml`] = renderTemplate('patroni.yml.tmpl', {
      SCOPE,
      NODE_NAME: n.name,
      LISTEN_HOST: l.listenHost,
      NODE_HOST: n.host,
      REST_PORT: n.restPort,
      PG_PORT: n.pgPort,
      DCS_BLOCK: dcsBlock,
      TTL: l.ttl,
      LOOP_WAIT: l.loopWait,
      RETRY_TIMEOUT: l.retryTimeout,
      MAX_CONNECTIONS: 200,
      PG_DATA_DIR: join(nodeDir, 'data'),
      PG_BIN_DIR: l.pgBinDir,
      PGPASS_FILE: join(nodeDir, 'pgpass'),
      SOCKET_DIR: nodeDir,
      SUPERUSER_PASSWORD: l.superuserPassword,
      REPLICATION_PASSWORD: l.replicationPassword,
      CLIENT_CIDR: l.listenHost === '127.0.0.1' ? '127.0.0.1/32' : '0.0.0.0/0',
    });
  }
  const servers = (indent) => l.nodes.map((n) => `${indent}server ${n.name} ${n.host}:${n.pgPort} check port ${n.restPort}`).join('\n');
  files['haproxy/haproxy.cfg'] = renderTemplate('haproxy.cfg.tmpl', {
    SCOPE,
    LISTEN_HOST: l.listenHost,
    HAPROXY_PID_FILE: join(l.dir, 'haproxy', 'haproxy.pid'),
    HAPROXY_STATS_PORT: l.statsPort,
    HAPROXY_WRITE_PORT: l.writePort,
    HAPROXY_READ_PORT: l.readPort,
    PRIMARY_SERVERS: servers('  '),
    REPLICA_SERVERS: servers('  '),
  });
  return files;
}

/** Patroni's scope (cluster name) in Kubernetes: also the name of the leader Service whose Endpoints Patroni keeps. */
export const K8S_SCOPE = 'registry-postgres';
export const K8S_NAMESPACE = 'biomarker-registry';
/** The pod's own values: Patroni reads them from its environment (set by the StatefulSet), which overrides the file. */
const FROM_ENV = (variable) => `set-per-pod-by-${variable}`;

/**
 * Patroni's Kubernetes mode from the same template: one patroni.yml for every pod of the StatefulSet, with the DCS
 * block swapped for `kubernetes:` (leader lock and cluster config in the namespace's Endpoints; no etcd). What differs
 * per pod — name, addresses, passwords — comes from PATRONI_* environment variables (infra/k8s/postgres-ha.yaml),
 * which Patroni lets override the file. Also the ConfigMap manifest that carries it (infra/k8s/postgres-patroni-config.yaml
 * is this output, checked by test/infra/k8s-manifests.unit.spec.ts).
 */
export function renderKubernetes(l) {
  const dcsBlock = [
    'kubernetes:',
    // The namespace and the pod IP from PATRONI_KUBERNETES_NAMESPACE / PATRONI_KUBERNETES_POD_IP (downward API).
    '  use_endpoints: true',
    '  labels: { app.kubernetes.io/name: registry-postgres }',
    '  scope_label: cluster-name',
    '  role_label: role',
  ].join('\n');
  const patroni = renderTemplate('patroni.yml.tmpl', {
    SCOPE: K8S_SCOPE,
    NODE_NAME: FROM_ENV('PATRONI_NAME'),
    LISTEN_HOST: '0.0.0.0',
    NODE_HOST: FROM_ENV('PATRONI_RESTAPI_CONNECT_ADDRESS'),
    REST_PORT: 8008,
    PG_PORT: 5432,
    DCS_BLOCK: dcsBlock,
    TTL: l.ttl,
    LOOP_WAIT: l.loopWait,
    RETRY_TIMEOUT: l.retryTimeout,
    MAX_CONNECTIONS: 200,
    PG_DATA_DIR: '/var/lib/postgresql/data/pgdata',
    PG_BIN_DIR: '/usr/lib/postgresql/15/bin',
    PGPASS_FILE: '/tmp/pgpass',
    SOCKET_DIR: '/var/run/postgresql',
    SUPERUSER_PASSWORD: FROM_ENV('PATRONI_SUPERUSER_PASSWORD'),
    REPLICATION_PASSWORD: FROM_ENV('PATRONI_REPLICATION_PASSWORD'),
    CLIENT_CIDR: '0.0.0.0/0',
  })
    // connect_address of PostgreSQL has its own variable (the template uses NODE_HOST for both).
    .replace(`connect_address: ${FROM_ENV('PATRONI_RESTAPI_CONNECT_ADDRESS')}:5432`, `connect_address: ${FROM_ENV('PATRONI_POSTGRESQL_CONNECT_ADDRESS')}`)
    .replace(`connect_address: ${FROM_ENV('PATRONI_RESTAPI_CONNECT_ADDRESS')}:8008`, `connect_address: ${FROM_ENV('PATRONI_RESTAPI_CONNECT_ADDRESS')}`);
  const indented = patroni
    .trimEnd()
    .split('\n')
    .map((line) => (line ? `    ${line}` : ''))
    .join('\n');
  const configMap = [
    '# GENERATED by `node infra/ha/ha.mjs render <dir> --kubernetes` from infra/ha/templates/patroni.yml.tmpl (the template',
    '# of the local and real-host clusters): do not edit here; edit the template and copy kubernetes/postgres-patroni-config.yaml.',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: registry-postgres-patroni',
    `  namespace: ${K8S_NAMESPACE}`,
    '  labels:',
    '    app.kubernetes.io/name: registry-postgres',
    '    app.kubernetes.io/part-of: biomarker-registry',
    'data:',
    '  patroni.yml: |',
    indented,
    '',
  ].join('\n');
  return { 'kubernetes/patroni.yml': patroni, 'kubernetes/postgres-patroni-config.yaml': configMap };
}

/** PostgreSQL refuses to run as root: under root every process of the cluster runs as the `postgres` OS user. */
function runAs() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs a `postgres` OS user (apt-get install postgresql-15 creates it)');
  return { uid, gid: id('-g') };
}

function chownTree(path, ids) {
  if (ids.uid === undefined) return;
  chownSync(path, ids.uid, ids.gid);
  if (statSync(path).isDirectory()) for (const f of readdirSync(path)) chownTree(join(path, f), ids);
}

const pidFile = (l, name) => join(l.dir, 'pids', `${name}.pid`);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
export function pidOf(l, name) {
  const f = pidFile(l, name);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return alive(pid) ? pid : undefined;
}

/** Starts a daemon detached from this process (it outlives `ha up`), output to <dir>/logs/<name>.log. */
export function startDaemon(l, name, command, args) {
  const ids = runAs();
  const log = openSync(join(l.dir, 'logs', `${name}.log`), 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: l.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: l.dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    ...ids,
  });
  child.unref();
  writeFileSync(pidFile(l, name), `${child.pid}\n`);
  return child.pid;
}

export const patroniName = (n) => `patroni-${n.name}`;
export function startPatroni(l, n) {
  return startDaemon(l, patroniName(n), 'patroni', [join(l.dir, n.name, 'patroni.yml')]);
}

async function getJson(url, timeoutMs = 1_000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Patroni's view of the cluster from the first member that answers. */
export async function clusterState(l) {
  for (const n of l.nodes) {
    try {
      const { body } = await getJson(`http://${n.host}:${n.restPort}/cluster`);
      if (body?.members) return body;
    } catch {
      // try the next member
    }
  }
  return undefined;
}

/** A leader that runs, and a synchronous standby streaming from it. */
export function healthy(state) {
  const members = state?.members ?? [];
  const leader = members.find((m) => m.role === 'leader' && m.state === 'running');
  const sync = members.find((m) => m.role === 'sync_standby' && (m.state === 'running' || m.state === 'streaming'));
  return leader && sync ? { leader: leader.name, syncStandby: sync.name, timeline: leader.timeline } : undefined;
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`ha: ${what} within ${timeoutMs / 1000} s (logs under the scratch directory's logs/)`);
    await sleep(250);
  }
}

export const superuserUrl = (l, port, database = DATABASE) => `postgres://postgres:${encodeURIComponent(l.superuserPassword)}@127.0.0.1:${port}/${database}`;

/** The database the registry uses; created through the write port once the cluster has a leader. */
async function ensureRegistryDatabase(l) {
  const client = new pg.Client({ connectionString: superuserUrl(l, l.writePort, 'postgres'), connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** The settings a registry (or a test) needs, as printed by `up`. */
export function connection(l, state) {
  return {
    DATABASE_URL: superuserUrl(l, l.writePort),
    READ_DATABASE_URL: superuserUrl(l, l.readPort),
    writePort: l.writePort,
    readPort: l.readPort,
    statsUrl: `http://${l.listenHost}:${l.statsPort}/`,
    dir: l.dir,
    ttl: l.ttl,
    loopWait: l.loopWait,
    retryTimeout: l.retryTimeout,
    nodes: l.nodes.map((n) => ({ name: n.name, pgPort: n.pgPort, restPort: n.restPort, etcdClientPort: n.etcdClientPort })),
    ...healthy(state),
  };
}

export async function up(l, timeoutMs = 180_000) {
  for (const bin of ['etcd', 'patroni', 'haproxy']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0)
      throw new Error(`ha: ${bin} is not installed (apt-get install patroni etcd-server etcd-client haproxy postgresql-15)`);
  }
  if (!existsSync(join(l.pgBinDir, 'postgres'))) throw new Error(`ha: no PostgreSQL server in ${l.pgBinDir} (PG_BIN_DIR)`);
  const ids = runAs();
  for (const d of ['pids', 'logs', 'haproxy', ...l.nodes.flatMap((n) => [n.name, n.etcdName])]) mkdirSync(join(l.dir, d), { recursive: true });
  for (const [path, text] of Object.entries(renderAll(l))) writeFileSync(join(l.dir, path), text, { mode: 0o600 });
  chownTree(l.dir, ids);

  for (const n of l.nodes) if (!pidOf(l, n.etcdName)) startDaemon(l, n.etcdName, 'etcd', ['--config-file', join(l.dir, n.etcdName, 'etcd.yml')]);
  await waitFor(
    'etcd has no healthy majority',
    async () => {
      let ok = 0;
      for (const n of l.nodes) if ((await getJson(`http://${n.host}:${n.etcdClientPort}/health`).catch(() => ({})))?.body?.health === 'true') ok++;
      return ok >= 2;
    },
    60_000,
  );
  for (const n of l.nodes) if (!pidOf(l, patroniName(n))) startPatroni(l, n);
  if (!pidOf(l, 'haproxy')) startDaemon(l, 'haproxy', 'haproxy', ['-db', '-f', join(l.dir, 'haproxy', 'haproxy.cfg')]);
  const state = await waitFor('no leader with a synchronous standby', async () => healthy(await clusterState(l)) && clusterState(l), timeoutMs);
  await waitFor('the write port does not reach the leader', () => ensureRegistryDatabase(l).then(() => true), 60_000);
  return connection(l, state);
}

export async function down(l, { keep = false } = {}) {
  // Patroni first (it stops its PostgreSQL cleanly), then HAProxy, then etcd (Patroni needs it while stopping).
  const order = [...l.nodes.map(patroniName), 'haproxy', ...l.nodes.map((n) => n.etcdName)];
  for (const name of order) {
    const pid = pidOf(l, name);
    if (!pid) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  // A postmaster whose Patroni was killed keeps running: stop it by its own pid file.
  for (const n of l.nodes) {
    const pmFile = join(l.dir, n.name, 'data', 'postmaster.pid');
    if (!existsSync(pmFile)) continue;
    const pid = Number(readFileSync(pmFile, 'utf8').split('\n')[0]);
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGQUIT');
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await sleep(100);
    }
  }
  if (!keep) rmSync(l.dir, { recursive: true, force: true });
}

async function main() {
  const [command, arg] = process.argv.slice(2);
  const l = layout();
  switch (command) {
    case 'up': {
      const c = await up(l);
      process.stdout.write(
        `ha: leader ${c.leader}, synchronous standby ${c.syncStandby} (ttl ${c.ttl} s, loop_wait ${c.loopWait} s, retry_timeout ${c.retryTimeout} s)\n` +
          `  DATABASE_URL=${c.DATABASE_URL}\n  READ_DATABASE_URL=${c.READ_DATABASE_URL}\n  HAProxy stats: ${c.statsUrl}   data and logs: ${c.dir}\n` +
          `${JSON.stringify(c)}\n`,
      );
      return;
    }
    case 'down':
      await down(l, { keep: process.argv.includes('--keep') });
      process.stdout.write(`ha: stopped${process.argv.includes('--keep') ? '' : `, ${l.dir} removed`}\n`);
      return;
    case 'status':
      process.stdout.write(`${JSON.stringify((await clusterState(l)) ?? { members: [] }, null, 2)}\n`);
      return;
    case 'render': {
      if (!arg) throw new Error('ha render <out-dir> [--kubernetes]');
      const files = renderAll(l, { dcs: process.argv.includes('--kubernetes') ? 'kubernetes' : 'etcd3' });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(arg, path)), { recursive: true });
        writeFileSync(join(arg, path), text);
      }
      process.stdout.write(`ha: ${Object.keys(files).length} files under ${arg}\n`);
      return;
    }
    default:
      throw new Error('usage: node infra/ha/ha.mjs up|down|status|render <out-dir>');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
