import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { MailTransport } from './mailer.js';

export interface WorkerMetrics {
  registry: Registry;
  /** Time every attempt of the worker's jobs and count the jobs that failed for good. */
  observe(worker: Worker): void;
  /** The transport, counting what the SMTP server accepted and refused. */
  countMails(transport: MailTransport): MailTransport;
  /** Count a delivered mark refused because the sender's lease had been taken over. */
  markRefused(): void;
}

/**
 * Prometheus metrics of one worker process, in a registry of its own (several workers in one test process
 * keep apart). Counters are per process; Prometheus sums them over the pods.
 */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'steckbrief_job_duration_seconds',
    help: 'Time of each job attempt, from start to completion or failure, by queue',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'steckbrief_jobs_failed_total',
    help: 'Jobs that failed for good (attempts used up), by queue; attempts BullMQ retries are not counted',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'steckbrief_mails_sent_total',
    help: 'Mails the SMTP server accepted',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'steckbrief_mails_failed_total',
    help: 'Mail send attempts that failed (refused or broken off); each mail is retried up to MAIL_ATTEMPTS times',
    registers: [registry],
  });
  const marksRefused = new Counter({
    name: 'steckbrief_mail_marks_refused_total',
    help: 'Mails the SMTP server accepted whose delivered mark was refused because their lease had been taken over (each may have gone out twice)',
    registers: [registry],
  });

  const timeAttempt = (queue: string, job: Job) => {
    // finishedOn is set only when a job completes or fails for good; an attempt to be retried ends now.
    if (job.processedOn)
      duration.observe({ queue }, Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
  };

  return {
    registry,
    observe(worker) {
      const queue = worker.name;
      worker.on('completed', (job) => timeAttempt(queue, job));
      worker.on('failed', (job) => {
        if (!job) return;
        timeAttempt(queue, job);
        if (job.finishedOn) failed.inc({ queue });
      });
    },
    // Counted at the transport, the one place every send passes (the fast path in the outbox job and the mail
    // queue alike), so the counters are real events of this process rather than figures read from the log.
    countMails(transport) {
      return {
        async sendMail(message) {
          try {
            const info = await transport.sendMail(message);
            sent.inc();
            return info;
          } catch (error) {
            refused.inc();
            throw error;
          }
        },
        close: () => transport.close(),
        connections: transport.connections,
      };
    },
    markRefused: () => marksRefused.inc(),
  };
}

export interface MetricsServer {
  port: number;
  /** From now on /healthz answers 503. */
  markStopping(): void;
  close(): Promise<void>;
}

/**
 * The worker's HTTP port: `GET /healthz` (200 while it runs, 503 while it shuts down) and `GET /metrics`.
 * No authentication: the port is meant for the cluster network only (the probes and Prometheus) and is on
 * no Service; the metrics hold counts and timings, no profile data.
 */
export async function startMetricsServer(o: {
  registry: Registry;
  port: number;
  host?: string;
  logger: Logger;
}): Promise<MetricsServer> {
  let stopping = false;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/healthz') {
      res
        .writeHead(stopping ? 503 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: stopping ? 'stopping' : 'ok' }));
    } else if (path === '/metrics') {
      o.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': o.registry.contentType }).end(body),
        (err: Error) => {
          o.logger.warn({ err: err.message }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    markStopping() {
      stopping = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
