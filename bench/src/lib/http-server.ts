/**
 * Child-process entry: the real API (`createApp`) on a random port against the bench schema, set up
 * like services/api/src/main.ts (pino at level info with redaction; output discarded). Reports
 * `{ port }` to the parent over IPC and stops on 'stop' or when the parent goes away.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '@steckbrief/api';
import { createDb } from '@steckbrief/db';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { destination, pino } from 'pino';

const url = process.env.BENCH_DATABASE_URL as string;
const schema = process.env.BENCH_SCHEMA as string;
const poolMax = Number(process.env.BENCH_POOL_MAX ?? 16);

const logger = pino(
  {
    level: 'info',
    base: { service: 'api' },
    redact: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password'],
  },
  destination('/dev/null'),
);
const db = createDb({ url, schema, poolMax });
// Only /readyz uses Redis; it is never called here, so the client never connects.
const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', {
  lazyConnect: true,
  maxRetriesPerRequest: 1,
});
// As deployed: AUTH_CACHE_TTL_MS defaults to 5 s (packages/config).
const authCacheTtlMs = Number(process.env.BENCH_AUTH_CACHE_TTL_MS ?? 5000);
const app = createApp({ db, redis, registry: buildRegistry(), logger, authCacheTtlMs });
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

async function stop() {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.destroy();
  redis.disconnect();
  process.exit(0);
}
process.on('message', (m) => {
  if (m === 'stop') void stop();
});
process.on('disconnect', () => void stop());
