import { loadConfig, prepareDatabase } from '#runtime';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database when unset. */
const config = loadConfig();
const db = await prepareDatabase(config, (msg) => console.log(msg));
console.log(`migrations are up to date on ${db.embedded ? 'the embedded database' : 'DATABASE_URL'}`);
await db.stop();
