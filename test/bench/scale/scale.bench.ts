/**
 * Issue 14 in one run: `npm run bench:scale`. The three parts measure their own path against its baseline side by
 * side (interleaved within the part); they run one after the other so they do not compete for the two cores.
 *   longStream  one recordMeasurement over HTTP on a subject with 10 vs 5,000 measurements  (target ratio ≤ 1.5)
 *   batch       100,000 measurements through recordMeasurements vs direct 100-event appends (≥ 10,000 items/s, ≥ 0.4×)
 *   kpis        one programme's screeningKpis alone vs beside a programme of 1 M screenings  (target ratio ≤ 1.2)
 * Each part is also a script of its own (bench:scale:long-stream, bench:scale:batch, bench:scale:kpis) with more
 * detail. The last line is one JSON object:
 * {"bench":"scale","longStream":{p50At10,p50At5000,ratio},"batch":{itemsPerSecond,rawBatchEventsPerSecond,ratio},"kpis":{msAlone,msWithNoise,ratio}}
 */
import { createServer } from 'node:net';
import { summaryLine } from '../bench-harness.js';
import { measureBatch } from './batch.bench.js';
import { measureKpis } from './kpis.bench.js';
import { measureLongStream } from './long-stream.bench.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

async function main(): Promise<void> {
  const only = new Set((process.env.BENCH_SCALE_ONLY ?? 'longStream,batch,kpis').split(','));
  // The parts that start an embedded registry must not meet a `npm start` on the default port. A given
  // EMBEDDED_PG_PORT is the first of three consecutive ports (long stream, batch, kpis), for a shared machine's port ranges.
  const given = process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined;
  process.env.EMBEDDED_PG_PORT ??= String(await freePort());
  const out: Record<string, unknown> = { bench: 'scale' };
  if (only.has('longStream')) {
    const { p50At10, p50At5000, ratio } = await measureLongStream();
    out['longStream'] = { p50At10, p50At5000, ratio };
    console.error(`longStream: ${JSON.stringify(out['longStream'])}`);
  }
  if (only.has('batch')) {
    // A port of its own (the long-stream part's server may still be releasing its port): the next one when a port was given.
    process.env.EMBEDDED_PG_PORT = String(given ? given + 1 : await freePort());
    const { itemsPerSecond, rawBatchEventsPerSecond, ratio, concurrency, apiInstances } = await measureBatch();
    out['batch'] = { itemsPerSecond, rawBatchEventsPerSecond, ratio, concurrency, apiInstances };
    console.error(`batch: ${JSON.stringify(out['batch'])}`);
  }
  if (only.has('kpis')) {
    if (given) process.env.EMBEDDED_PG_PORT = String(given + 2);
    const { msAlone, msWithNoise, ratio } = await measureKpis();
    out['kpis'] = { msAlone, msWithNoise, ratio };
    console.error(`kpis: ${JSON.stringify(out['kpis'])}`);
  }
  console.log(summaryLine(out));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
