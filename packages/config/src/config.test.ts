import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_ADMIN_TOKEN, loadConfig } from './config.js';

const OWN_TOKEN = 'a-long-random-token-chosen-by-the-operator-7f3a9c';

describe('the development admin token', () => {
  it('is active without any setting, and the default HOST is the loopback address', () => {
    const cfg = loadConfig({});
    expect(cfg.HOST).toBe('127.0.0.1');
    expect(cfg.ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
    expect(cfg.adminTokenIsDevDefault).toBe(true);
  });

  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])(
    'is active in development on the loopback address %s',
    (host) => {
      const cfg = loadConfig({ NODE_ENV: 'development', HOST: host });
      expect(cfg.ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
      expect(cfg.adminTokenIsDevDefault).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'steckbrief.example.org', '128.0.0.1'])(
    'is off with NODE_ENV unset when HOST is %s',
    (host) => {
      const cfg = loadConfig({ HOST: host });
      expect(cfg.ADMIN_TOKEN).toBeUndefined();
      expect(cfg.adminTokenIsDevDefault).toBe(false);
    },
  );

  it.each(['production', 'test'])('is off under NODE_ENV=%s, even on the loopback address', (env) => {
    const cfg = loadConfig({ NODE_ENV: env, HOST: '127.0.0.1' });
    expect(cfg.ADMIN_TOKEN).toBeUndefined();
    expect(cfg.adminTokenIsDevDefault).toBe(false);
  });
});

describe('ADMIN_TOKEN', () => {
  it.each([
    ['the development token', DEV_ADMIN_TOKEN],
    ['the former docker-compose default', 'compose-admin-token-change-me-0123456789'],
    ['the Kubernetes secret template’s placeholder', 'CHANGE_ME_TO_A_LONG_RANDOM_VALUE'],
  ])('refuses %s on a non-loopback HOST, naming ADMIN_TOKEN', (_, token) => {
    expect(() => loadConfig({ NODE_ENV: 'production', HOST: '0.0.0.0', ADMIN_TOKEN: token })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', HOST: '0.0.0.0', ADMIN_TOKEN: token })).toThrow(/ADMIN_TOKEN/);
  });

  it('accepts the development token set explicitly on the loopback address', () => {
    expect(loadConfig({ HOST: '127.0.0.1', ADMIN_TOKEN: DEV_ADMIN_TOKEN }).ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
  });

  it('accepts an operator’s own token on any address', () => {
    const cfg = loadConfig({ NODE_ENV: 'production', HOST: '0.0.0.0', ADMIN_TOKEN: OWN_TOKEN });
    expect(cfg.ADMIN_TOKEN).toBe(OWN_TOKEN);
    expect(cfg.adminTokenIsDevDefault).toBe(false);
  });
});

describe('TIMER_HORIZON_MS', () => {
  it('defaults to 15 minutes', () => {
    expect(loadConfig({}).TIMER_HORIZON_MS).toBe(900_000);
  });

  it('is refused, by name, when shorter than twice the reconciliation interval', () => {
    expect(() => loadConfig({ TIMER_HORIZON_MS: '60000', RECONCILE_INTERVAL_MS: '60000' })).toThrow(
      /TIMER_HORIZON_MS: must be at least twice RECONCILE_INTERVAL_MS \(120000\)/,
    );
    expect(loadConfig({ TIMER_HORIZON_MS: '120000', RECONCILE_INTERVAL_MS: '60000' }).TIMER_HORIZON_MS).toBe(120_000);
  });
});
