import { describe, expect, it } from 'vitest';
import { pageCsp, readCookie, sessionCookie } from './security.js';

describe('cookie and CSP settings', () => {
  it('marks the cookie Secure with the __Host- prefix when the public URL is https', () => {
    expect(sessionCookie(true)).toEqual({
      name: '__Host-steckbrief',
      options: { httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
    });
    expect(sessionCookie(false).options.secure).toBe(false);
  });

  it('upgrades insecure requests only over https and never allows inline code', () => {
    expect(pageCsp(true)).toContain('upgrade-insecure-requests');
    expect(pageCsp(false)).not.toContain('upgrade-insecure-requests');
    expect(pageCsp(true)).not.toContain('unsafe');
  });

  it('reads one cookie among several and ignores a malformed value', () => {
    expect(readCookie('a=1; steckbrief=abc%3D; b=2', 'steckbrief')).toBe('abc=');
    expect(readCookie('steckbrief=%E0%A4%A', 'steckbrief')).toBeUndefined();
    expect(readCookie(undefined, 'steckbrief')).toBeUndefined();
  });
});
