import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** Serves {@link metricsRegistry} at `/metrics`. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
