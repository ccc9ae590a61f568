/**
 * How many mails a process has between hand-off and recorded outcome (decision 007). A mail is handed
 * to the transport only when one of its connections is free, so it never waits in the transport's own
 * unbounded queue while its lease runs out, and its slot comes back only when its outcome is recorded
 * (the delivered mark committed, or the failure written). So at any instant there are at most as many
 * mails between hand-off and committed mark as the transport has connections, and a crash re-sends at
 * most one mail per SMTP connection.
 */
export interface SendSlot {
  /** The outcome is recorded (or given up on): the slot is free for the next mail. */
  release(): void;
}

export interface SendSlots {
  /** Wait until fewer mails than there are connections are between hand-off and recorded outcome. */
  acquire(): Promise<SendSlot>;
  readonly connections: number;
}

export function createSendSlots(connections: number): SendSlots {
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error(`SMTP connections must be a positive integer, not ${connections}`);
  let free = connections;
  const waiting: Array<() => void> = [];
  const give = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  const slot = (): SendSlot => {
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        give();
      },
    };
  };
  return {
    connections,
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(slot());
      }
      return new Promise((resolve) => waiting.push(() => resolve(slot())));
    },
  };
}
