import { loadConfig } from '#runtime';
import { loadSealSigner, sealKeysJwks } from './seal-signing.js';

/**
 * Prints the public keys that verify the audit seals (the current signing key first, then AUDIT_SEAL_VERIFY_KEYS)
 * as a JWKS, for `npm run audit:verify` and for a regulator to keep. Public keys only; nothing secret is printed.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log('Usage: npm run -s audit:public-key > seal-keys.json\nPrints the audit seal verification keys (JWKS; public keys only).');
    return;
  }
  const config = loadConfig();
  const signer = await loadSealSigner(config);
  console.log(JSON.stringify(sealKeysJwks(signer.keys), null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
