import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { PlotsController } from './plots.controller.js';

@Module({ imports: [AnalyticsModule], controllers: [PlotsController] })
export class PlotsModule {}
