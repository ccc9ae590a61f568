import { Writable } from 'node:stream';
import { MASKED_EMAIL, privateLogOptions } from '@steckbrief/config';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info', ...privateLogOptions(['req.headers.authorization']) }, stream), lines };
}

describe('privateLogOptions', () => {
  it('masks e-mail addresses in messages, nested values and errors, and removes personal fields', () => {
    const { logger, lines } = capture();
    logger.warn(
      {
        deliveryId: '7',
        err: new Error('550 5.1.1 <erika.muster@example.org>: Recipient address rejected'),
        detail: { reply: ['RCPT TO:<max@amt.example.de> refused'] },
        email: 'erika.muster@example.org',
        user: { id: 'u1', email: 'max@amt.example.de', recipientName: 'Max Mustermann' },
        req: { headers: { authorization: 'Bearer stb_secret' } },
      },
      'mail to %s failed',
      'erika.muster@example.org',
    );
    const text = lines.join('');
    expect(text).not.toMatch(/erika|max@|Mustermann|stb_secret/);
    const line = JSON.parse(lines[0] as string);
    expect(line.msg).toBe(`mail to ${MASKED_EMAIL} failed`);
    expect(line.err.message).toBe(`550 5.1.1 <${MASKED_EMAIL}>: Recipient address rejected`);
    expect(line.detail.reply).toEqual([`RCPT TO:<${MASKED_EMAIL}> refused`]);
    expect(line.deliveryId).toBe('7');
    expect(line.user.id).toBe('u1');
  });
});
