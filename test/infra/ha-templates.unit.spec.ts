/**
 * infra/ha's templates, rendered the way real hosts and Patroni's Kubernetes mode get them
 * (`node infra/ha/ha.mjs render <dir>`): the settings the HA proof depends on must be in what ships.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
const HOSTS = '10.0.0.11,10.0.0.12,10.0.0.13';

function render(env: Record<string, string>, ...flags: string[]): { dir: string; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'registry-ha-render-'));
  dirs.push(dir);
  const r = spawnSync(process.execPath, ['infra/ha/ha.mjs', 'render', dir, ...flags], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HA_DIR: '/var/lib/registry-ha', PG_BIN_DIR: '/usr/lib/postgresql/15/bin', ...env },
    encoding: 'utf8',
  });
  return { dir, status: r.status, stderr: r.stderr };
}
const yamlOf = (dir: string, path: string): any => parse(readFileSync(join(dir, path), 'utf8'));

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('infra/ha templates', () => {
  it('render three etcd members, three Patroni members in synchronous mode with the stated timing, and HAProxy routing by Patroni health', () => {
    const { dir, status, stderr } = render({ HA_NODE_HOSTS: HOSTS, HA_LISTEN_HOST: '0.0.0.0' });
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });

    const etcd = [1, 2, 3].map((i) => yamlOf(dir, `etcd${i}/etcd.yml`));
    expect(etcd.map((e) => e.name)).toEqual(['etcd1', 'etcd2', 'etcd3']);
    for (const e of etcd) {
      expect(e['initial-cluster']).toBe('etcd1=http://10.0.0.11:56610,etcd2=http://10.0.0.12:56611,etcd3=http://10.0.0.13:56612');
      expect(e['enable-grpc-gateway']).toBe(true); // Patroni's etcd3 client speaks the JSON gateway
    }

    const patroni = [1, 2, 3].map((i) => yamlOf(dir, `pg${i}/patroni.yml`));
    expect(patroni.map((p) => p.postgresql.connect_address)).toEqual(['10.0.0.11:56620', '10.0.0.12:56621', '10.0.0.13:56622']);
    for (const p of patroni) {
      const dcs = p.bootstrap.dcs;
      expect(dcs).toMatchObject({ ttl: 10, loop_wait: 2, retry_timeout: 4, primary_start_timeout: 0, synchronous_mode: true });
      expect(dcs.loop_wait + 2 * dcs.retry_timeout).toBeLessThanOrEqual(dcs.ttl); // Patroni's own rule
      expect(dcs.postgresql.parameters.synchronous_commit).toBe('on');
      expect(p.etcd3.hosts).toBe('10.0.0.11:56600,10.0.0.12:56601,10.0.0.13:56602');
      expect(p.kubernetes).toBeUndefined();
      expect(p.postgresql.pg_hba).toContain('host all all 0.0.0.0/0 scram-sha-256');
    }

    const haproxy = readFileSync(join(dir, 'haproxy/haproxy.cfg'), 'utf8');
    const section = (name: string) => haproxy.split('\n\n').find((block) => block.trimStart().startsWith(name)) ?? '';
    expect(section('listen registry_primary')).toMatch(/bind 0\.0\.0\.0:56640[\s\S]*uri \/primary[\s\S]*on-marked-down shutdown-sessions/);
    expect(section('backend registry_replicas')).toContain('uri /replica');
    expect(section('frontend registry_read')).toMatch(/bind 0\.0\.0\.0:56641[\s\S]*nbsrv\(registry_replicas\) gt 0/);
    for (const [i, host] of HOSTS.split(',').entries())
      expect(section('listen registry_primary')).toContain(`server pg${i + 1} ${host}:${56620 + i} check port ${56630 + i}`);
  });

  it('render the same Patroni settings with the Kubernetes DCS instead of etcd: timing, synchronous mode, parameters, pg_hba, tags', () => {
    const k8s = render({}, '--kubernetes');
    const local = render({});
    expect([k8s.status, local.status]).toEqual([0, 0]);
    const k = yamlOf(k8s.dir, 'kubernetes/patroni.yml');
    const l = yamlOf(local.dir, 'pg1/patroni.yml');
    expect(k.etcd3).toBeUndefined();
    expect(k.kubernetes).toMatchObject({ use_endpoints: true, scope_label: 'cluster-name', role_label: 'role' });
    // The whole DCS bootstrap block is the same object: ttl, loop_wait, retry_timeout, primary_start_timeout,
    // synchronous_mode(_strict), synchronous_node_count, maximum_lag_on_failover, every PostgreSQL parameter.
    expect(k.bootstrap.dcs).toEqual(l.bootstrap.dcs);
    expect(k.bootstrap.dcs).toMatchObject({ ttl: 10, loop_wait: 2, retry_timeout: 4, synchronous_mode: true, synchronous_node_count: 1 });
    expect(k.bootstrap.initdb).toEqual(l.bootstrap.initdb);
    expect(k.tags).toEqual(l.tags);
    expect(Object.keys(k.postgresql.parameters)).toEqual(Object.keys(l.postgresql.parameters));
    expect(k.postgresql.authentication.superuser.username).toBe(l.postgresql.authentication.superuser.username);
    expect(k.postgresql.authentication.replication.username).toBe(l.postgresql.authentication.replication.username);
    // pg_hba differs only in the client range (pods: any address, narrowed by the NetworkPolicy).
    expect(k.postgresql.pg_hba).toEqual(l.postgresql.pg_hba.map((line: string) => line.replace('127.0.0.1/32', '0.0.0.0/0')));
  });

  it('refuse a timing Patroni would refuse (loop_wait + 2 × retry_timeout over ttl)', () => {
    const { status, stderr } = render({ HA_TTL: '5' });
    expect(status).toBe(1);
    expect(stderr).toContain('HA_TTL 5 must be at least HA_LOOP_WAIT + 2 × HA_RETRY_TIMEOUT (10)');
  });
});
