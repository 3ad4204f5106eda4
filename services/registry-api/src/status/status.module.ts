import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { GetRegistryStatusHandler } from './get-registry-status.query.js';
import { StatusResolver } from './status.resolver.js';
import { VerifyAuditTrailHandler } from './verify-audit-trail.query.js';

@Module({ imports: [AuditModule], providers: [StatusResolver, GetRegistryStatusHandler, VerifyAuditTrailHandler] })
export class StatusModule {}
