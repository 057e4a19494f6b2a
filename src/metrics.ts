import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric Ponte exports, on one registry per process (tests build their own). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ponte_process_' });
  return {
    registry,
    webhookRequests: new Counter({
      name: 'ponte_webhook_requests_total',
      help: 'Inbound webhook requests by source and outcome (accepted, unauthorized, rejected, too_large, foreign).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    inboundEvents: new Counter({
      name: 'ponte_inbound_events_total',
      help: 'Inbound events recorded, by source and outcome (new, duplicate).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    ingested: new Counter({
      name: 'ponte_ingested_events_total',
      help: 'Inbound events processed by the ingest worker, by kind and result (done, ignored, failed).',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    dispatched: new Counter({
      name: 'ponte_dispatch_total',
      help: 'Outbox operations performed, by kind and result (done, retry, rate_limited, failed, uncertain).',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'ponte_webhook_ack_seconds',
      help: 'Time from request received to acknowledgement, by source.',
      labelNames: ['source'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
