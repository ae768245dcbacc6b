import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { ApiAnswerAs } from '../openapi/api-answer.decorators';
import { metricsRegistry } from './metrics.registry';

/** `GET /metrics` in the Prometheus text format. */
@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  @ApiAnswerAs(
    metricsRegistry.contentType,
    'every metric of the process, in the Prometheus text format',
    '# TYPE http_requests_total counter\nhttp_requests_total{method="GET",route="/v1/tickets",status="200"} 12\n',
  )
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
