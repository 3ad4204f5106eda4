// One-shot set-up of an EventStoreDB / KurrentDB cluster for the registry (compose: eventstore-setup;
// Kubernetes: Job eventstoredb-setup). Idempotent: safe to run on every deployment.
//   1. creates the user REGISTRY_ESDB_USER (HTTP users API; 409 = exists),
//   2. writes the default stream ACLs to $settings: the registry may read and write user streams, only
//      $admins may delete them or change their metadata (which could set $tb / $maxAge / $maxCount and so
//      hide or scavenge events), and system streams stay with $admins,
//   3. lets the registry read $all (catch-up subscriptions) through the $all stream's metadata ($$$all).
// Not run on the development machines (no server there); see infra/README.md.
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
/* global fetch */

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const adminUser = env('EVENTSTORE_ADMIN_USER');
const adminPassword = env('EVENTSTORE_ADMIN_PASSWORD');
const registryUser = env('REGISTRY_ESDB_USER');
const registryPassword = env('REGISTRY_ESDB_PASSWORD');
const httpUrl = env('EVENTSTORE_HTTP_URL');
const client = EventStoreDBClient.connectionString(env('EVENTSTORE_ADMIN_CONNECTION_STRING'));
const credentials = { username: adminUser, password: adminPassword };

const auth = `Basic ${Buffer.from(`${adminUser}:${adminPassword}`).toString('base64')}`;
const created = await fetch(`${httpUrl}/users/`, {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: JSON.stringify({ loginName: registryUser, fullName: 'Biomarker Registry', groups: [], password: registryPassword }),
});
if (!created.ok && created.status !== 409) throw new Error(`creating user ${registryUser}: HTTP ${created.status} ${await created.text()}`);

const defaultAcl = {
  $userStreamAcl: {
    $r: [registryUser, '$admins'],
    $w: [registryUser, '$admins'],
    $d: '$admins',
    $mr: [registryUser, '$admins'],
    $mw: '$admins',
  },
  $systemStreamAcl: { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' },
};

await client.appendToStream('$settings', jsonEvent({ id: randomUUID(), type: 'update-default-acl', data: defaultAcl }), { credentials });
await client.setStreamMetadata('$all', { acl: { readRoles: [registryUser, '$admins'] } }, { credentials });
console.log(JSON.stringify({ msg: 'eventstoredb set up', user: registryUser, defaultAcl }));
await client.dispose();
