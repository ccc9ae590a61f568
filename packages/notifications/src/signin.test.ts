import { describe, expect, it } from 'vitest';
import { renderSigninCode } from './signin.js';

describe('sign-in mail', () => {
  const mail = renderSigninCode({
    code: '042917',
    link: 'https://steckbrief.example.org/anmelden/link?token=abc',
    expiresAt: new Date('2026-05-04T10:15:00Z'),
    recipientName: 'Erika <Muster>',
  });

  it('carries the code in the subject and the code and link in both bodies', () => {
    expect(mail.subject).toContain('042917');
    expect(mail.text).toContain('Ihr Anmeldecode für Steckbrief lautet: 042917');
    expect(mail.text).toContain('https://steckbrief.example.org/anmelden/link?token=abc');
    expect(mail.html).toContain('href="https://steckbrief.example.org/anmelden/link?token=abc"');
  });

  it('states the end of validity in Berlin time, German first', () => {
    expect(mail.text.indexOf('gelten bis 4. Mai 2026 um 12:15 Uhr')).toBeGreaterThan(-1);
    expect(mail.text.indexOf('gelten bis')).toBeLessThan(mail.text.indexOf('valid until'));
  });

  it('escapes the name in HTML', () => {
    expect(mail.html).toContain('Erika &lt;Muster&gt;');
    expect(mail.html).not.toContain('<Muster>');
  });
});
