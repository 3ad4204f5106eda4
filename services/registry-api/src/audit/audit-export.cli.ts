import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { ConfigError, connectForCli, eventStoreOptions, loadConfig } from '#runtime';
import { loadMasterKey } from '../privacy/master-key.js';
import { accessLogHashKey, recordAccess } from './access-log.writer.js';
import { withInclusionProofs } from './audit-proofs.js';
import { AuditSealService } from './audit-seal.service.js';
import { AuditQueries } from './audit.queries.js';

const USAGE = `Usage: npm run -s audit:export -- [--trial id] [--programme id] [--actor id] [--role r] [--type EventType]… [--stream id]
                       [--from ISO] [--to ISO] [--proofs] [--out file.ndjson]
Writes the audit trail as JSON lines (one event per line with hash and previousHash; see services/registry-api/src/audit/README.md).
Without a filter it is the whole log, signed seals (AuditTrailSealed, with key id) included: check it offline with
npm run -s audit:verify -- <file> <seal journal> <public keys>. With a filter, add --proofs: each line then carries the
inclusion proof of its event in the seal that covers it, and the filtered file verifies offline against the journal.
Uses DATABASE_URL, else the embedded database of a running \`npm start\`, else starts it. The export is recorded in the access log.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trial: { type: 'string' },
      programme: { type: 'string' },
      actor: { type: 'string' },
      role: { type: 'string' },
      type: { type: 'string', multiple: true },
      stream: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      proofs: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return console.log(USAGE);
  const date = (name: string, v: string | undefined): Date | undefined => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new ConfigError(`--${name}`, 'must be an ISO-8601 date-time');
    return d;
  };
  const filter = {
    trialId: values.trial,
    programmeId: values.programme,
    actorId: values.actor,
    actorRole: values.role,
    eventTypes: values.type,
    streamId: values.stream,
    from: date('from', values.from),
    to: date('to', values.to),
  };
  const config = loadConfig();
  const db = await connectForCli(config, (msg) => console.error(msg));
  const ds = await new DataSource(dataSourceOptions(db.url, { extra: { max: 2 } })).initialize();
  const storeOptions = eventStoreOptions(config, db.eventStoreUrl);
  const store = createEventStore(storeOptions.adapter === 'postgres' ? { ...storeOptions, poolSize: 2 } : storeOptions);
  try {
    await recordAccess(
      (sql, params) => ds.query(sql, params),
      {
        actorId: `os:${userInfo().username}`,
        actorRole: 'operator',
        channel: 'cli-export',
        operationType: 'export',
        operationName: 'audit:export',
        rootFields: ['auditExport'],
        trialIds: values.trial ? [values.trial] : [],
        programmeIds: values.programme ? [values.programme] : [],
        variables: values,
        correlationId: null,
      },
      accessLogHashKey((await loadMasterKey(config)).key),
    );
    const out: NodeJS.WritableStream = values.out ? createWriteStream(values.out) : process.stdout;
    let n = 0;
    const lines = new AuditQueries(ds, store).exportLines(filter);
    const proven = values.proofs ? withInclusionProofs(lines, store, await new AuditSealService(store).seals()) : lines;
    for await (const line of proven) {
      if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      n++;
    }
    if (out !== process.stdout) await new Promise<void>((r) => out.end(() => r()));
    console.error(`exported ${n} events${values.out ? ` to ${values.out}` : ''}`);
  } finally {
    await store.close();
    await ds.destroy();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
