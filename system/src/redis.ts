import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type PrivateRedis, startPrivateRedis } from '@steckbrief/queues/testing';
import { freePort } from './util.js';

export interface SwitchableRedis {
  /** The address the services use; it stays the same across a stop and start. */
  url: string;
  /** The redis-server behind it right now, or null while stopped. */
  current(): PrivateRedis | null;
  /** Kill the redis-server (its data is gone) and refuse connections until `start`. */
  stop(): Promise<void>;
  /** A new, empty redis-server behind the same address. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * The private redis-server of @steckbrief/queues/testing picks its own port on every start. The services
 * keep one REDIS_URL, so a small TCP forwarder owns that address: while Redis is "stopped" it refuses
 * connections, as a stopped server does, and after a start it forwards to the new, empty server.
 */
export async function startSwitchableRedis(): Promise<SwitchableRedis> {
  const port = await freePort();
  let redis: PrivateRedis | null = await startPrivateRedis();
  const sockets = new Set<Socket>();
  let server: Server | null = null;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const srv = createServer((client) => {
        const target = redis;
        if (!target) {
          client.destroy();
          return;
        }
        const upstream = createConnection(Number(new URL(target.url).port), '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
      server = srv;
    });
  await listen();

  // Stop accepting, then cut the open connections (close() alone waits for them to end).
  const closeListener = async () => {
    const srv = server;
    server = null;
    const closed = new Promise<void>((resolve) => (srv ? srv.close(() => resolve()) : resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    current: () => redis,
    async stop() {
      await closeListener();
      const old = redis;
      redis = null;
      await old?.stop();
    },
    async start() {
      redis = await startPrivateRedis();
      await listen();
    },
    async destroy() {
      await closeListener();
      await redis?.stop();
      redis = null;
    },
  };
}
