import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const OIDC = {
  OIDC_ISSUER: 'https://login.example.org/realms/steckbrief',
  OIDC_CLIENT_ID: 'steckbrief',
  OIDC_CLIENT_SECRET: 'secret-from-the-provider',
};

describe('OpenID Connect settings', () => {
  it('are off without any setting', () => {
    const cfg = loadConfig({});
    expect(cfg.OIDC_ISSUER).toBeUndefined();
  });

  it('are read when all three are set', () => {
    const cfg = loadConfig(OIDC);
    expect([cfg.OIDC_ISSUER, cfg.OIDC_CLIENT_ID, cfg.OIDC_CLIENT_SECRET]).toEqual(Object.values(OIDC));
  });

  it('refuse an incomplete set, naming all three', () => {
    expect(() => loadConfig({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toThrow(ConfigError);
    expect(() => loadConfig({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toThrow(
      /OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/,
    );
  });

  it('refuse a plain-http issuer unless it is on a loopback address', () => {
    expect(() => loadConfig({ ...OIDC, OIDC_ISSUER: 'http://login.example.org' })).toThrow(/must be an https address/);
    expect(loadConfig({ ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:9000' }).OIDC_ISSUER).toBe('http://127.0.0.1:9000');
  });
});
