import { describe, expect, it } from 'vitest';
import { createSendSlots, type SendSlot } from '../src/send-slots.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Whether `place` has been granted by the end of this turn of the event loop. */
async function granted(place: Promise<SendSlot>): Promise<boolean> {
  let got = false;
  void place.then(() => {
    got = true;
  });
  await turn();
  return got;
}

describe('send slots', () => {
  it('grant as many connections as configured; a third waits until one is given back, once', async () => {
    const slots = createSendSlots(2);
    const first = await slots.connection();
    await slots.connection();
    const third = slots.connection();
    expect(await granted(third)).toBe(false);
    first.release();
    first.release(); // a second release gives nothing back twice
    expect(await granted(third)).toBe(true);
    expect(await granted(slots.connection())).toBe(false);
  });

  it('grant as many completion places as connections, independently of the connections held', async () => {
    const slots = createSendSlots(2);
    // Both connections busy with the next mails' envelopes and bodies ...
    await slots.connection();
    await slots.connection();
    // ... while the two mails before them wait for their marks.
    const marked = await slots.completion();
    await slots.completion();
    const third = slots.completion();
    expect(await granted(third)).toBe(false);
    marked.release();
    expect(await granted(third)).toBe(true);
    expect(await granted(slots.completion())).toBe(false);
  });

  it('refuses a connection count that is not a positive integer', () => {
    expect(() => createSendSlots(0)).toThrow('positive integer');
  });
});
