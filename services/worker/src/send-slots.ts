/**
 * The SMTP connections of one process as slots: a mail is handed to the transport only once it holds
 * a slot, so it never waits in the transport's own (unbounded) queue while its lease runs out, and
 * the slot is given back only once the mail's outcome is recorded. So at any instant each connection
 * has at most one mail between hand-off and delivered mark (decision 007).
 */
export interface SendSlots {
  /** Wait for a free slot; call the returned function to give it back. */
  acquire(): Promise<() => void>;
  readonly size: number;
}

export function createSendSlots(size: number): SendSlots {
  if (!Number.isInteger(size) || size < 1) throw new Error(`send slots must be a positive integer, not ${size}`);
  let free = size;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    size,
    acquire() {
      let released = false;
      const once = () => {
        if (released) return;
        released = true;
        release();
      };
      if (free > 0) {
        free--;
        return Promise.resolve(once);
      }
      return new Promise((resolve) => waiting.push(() => resolve(once)));
    },
  };
}
