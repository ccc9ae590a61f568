import { describe, expect, it } from 'vitest';
import { createSendSlots } from '../src/send-slots.js';

describe('send slots', () => {
  it('hold one mail per connection from hand-off until its outcome is recorded', async () => {
    const slots = createSendSlots(2);
    const first = await slots.acquire();
    await slots.acquire();
    let third = false;
    const waiting = slots.acquire().then((slot) => {
      third = true;
      return slot;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    first.release();
    first.release(); // a second release gives nothing back twice
    await waiting;
    expect(third).toBe(true);
    let fourth = false;
    void slots.acquire().then(() => {
      fourth = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fourth).toBe(false);
  });

  it('refuses a connection count that is not a positive integer', () => {
    expect(() => createSendSlots(0)).toThrow('positive integer');
  });
});
