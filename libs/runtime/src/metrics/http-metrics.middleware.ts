import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Request latency by method, matched route and status. The route is the Express route pattern, never the raw
 * URL, so a scanner probing random paths adds one `unmatched` series, not thousands.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly seconds: Histogram<'method' | 'route' | 'status_code'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.seconds =
      (registry.getSingleMetric('registry_http_request_duration_seconds') as Histogram<'method' | 'route' | 'status_code'> | undefined) ??
      new Histogram({
        name: 'registry_http_request_duration_seconds',
        help: 'HTTP request latency by method, route pattern and status code (rate of _count = request rate)',
        labelNames: ['method', 'route', 'status_code'],
        buckets: HTTP_BUCKETS,
        registers: [registry],
      });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.seconds.startTimer();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      // Apollo's route is `/graphql{/*splat}`: drop a trailing optional wildcard so the label reads `/graphql`.
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}`.replace(/\{\/\*\w+\}$/, '') : 'unmatched';
      end({ method: req.method, route, status_code: String(res.statusCode) });
    });
    next();
  }
}
