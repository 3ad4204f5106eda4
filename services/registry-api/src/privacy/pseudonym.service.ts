import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PseudonymScope } from '#domain';
import { PRIVACY_MASTER_KEY, type MasterKey } from './master-key.js';
import { keyedPseudonym, newDataKey, unwrapKey, wrapKey } from './privacy-crypto.js';

/**
 * Keyed pseudonyms: HMAC-SHA-256 of the site's local identifier under a key of its own for every trial and
 * programme (privacy.pseudonym_keys, wrapped by the master key, created on first use). The same person gets
 * unrelated pseudonyms in two studies; only an explicit, admin-recorded linkage says they are one person.
 * The local identifier is used in memory only: never stored, logged or put in an event.
 */
@Injectable()
export class PseudonymService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) private readonly master: MasterKey,
  ) {}

  async derive(scope: PseudonymScope, localIdentifier: string): Promise<string> {
    return keyedPseudonym(await this.studyKey(scope), scope, localIdentifier);
  }

  private async studyKey(scope: PseudonymScope): Promise<Buffer> {
    const owner = `pseudonym:${scope}`;
    const read = async () =>
      ((await this.dataSource.query(`SELECT wrapped_key FROM privacy.pseudonym_keys WHERE scope = $1`, [scope])) as { wrapped_key: Buffer }[])[0]?.wrapped_key;
    let wrapped = await read();
    if (!wrapped) {
      // Two first uses racing: both insert, one wins, both read the winner.
      await this.dataSource.query(`INSERT INTO privacy.pseudonym_keys (scope, wrapped_key) VALUES ($1, $2) ON CONFLICT (scope) DO NOTHING`, [
        scope,
        wrapKey(this.master.key, newDataKey(), owner),
      ]);
      wrapped = (await read())!;
    }
    return unwrapKey(this.master.key, wrapped, owner);
  }
}
