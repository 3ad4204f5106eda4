import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KEY_RING, KeyRing, keyRingDirectory } from './key-ring.js';
import { loadMasterKey, PRIVACY_MASTER_KEY, type MasterKey, type MasterKeyOptions } from './master-key.js';
import { PersonalDataVault } from './personal-data-vault.js';
import { PrivacyResolver } from './privacy.resolver.js';
import { PrivacyService } from './privacy.service.js';
import { PseudonymService } from './pseudonym.service.js';

/**
 * Keyed pseudonyms and crypto-shredding (README.md). Needs the TypeORM DataSource and the CommandRunner; exports
 * PersonalDataVault and PrivacyService so the subject write side can seal personal fields before deciding.
 */
@Module({})
export class PrivacyModule {
  static forRoot(options: MasterKeyOptions): DynamicModule {
    return {
      module: PrivacyModule,
      global: true,
      providers: [
        { provide: PRIVACY_MASTER_KEY, useFactory: () => loadMasterKey(options) },
        // Opened (created, checked, recovered after a crash) before the API serves: README "Key ring".
        {
          provide: KEY_RING,
          inject: [DataSource, PRIVACY_MASTER_KEY],
          useFactory: (ds: DataSource, master: MasterKey) => KeyRing.open(ds, master, keyRingDirectory(options.DATA_DIR)),
        },
        PersonalDataVault,
        PseudonymService,
        PrivacyService,
        PrivacyResolver,
      ],
      exports: [PersonalDataVault, PrivacyService, PRIVACY_MASTER_KEY, KEY_RING],
    };
  }
}
