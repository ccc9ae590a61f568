/**
 * How many mails a process has between hand-off and recorded outcome (decision 007). A mail is handed
 * to the transport only when one of its connections is free (`connections` slots, given back when the
 * SMTP answer is in), so it never waits in the transport's own unbounded queue while its lease runs
 * out. And at most two mails per connection are between hand-off and their committed mark at any
 * instant: the one on the connection and the one before it whose mark is on its way. So a connection
 * goes on sending while the previous mark commits, and a crash re-sends at most two mails per
 * connection.
 */
export interface SendSlot {
  /** The SMTP answer is in: the connection may take the next mail. */
  answered(): void;
  /** The outcome is recorded (or given up on): frees both slots. */
  release(): void;
}

export interface SendSlots {
  /** Wait until a connection is free and fewer than two mails per connection await their mark. */
  acquire(): Promise<SendSlot>;
  readonly connections: number;
}

function semaphore(size: number): () => Promise<() => void> {
  let free = size;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return () => {
    if (free > 0) {
      free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => waiting.push(() => resolve(release)));
  };
}

export function createSendSlots(connections: number): SendSlots {
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error(`SMTP connections must be a positive integer, not ${connections}`);
  const outcome = semaphore(2 * connections);
  const connection = semaphore(connections);
  return {
    connections,
    async acquire() {
      // Always in this order, so two waiters never hold one slot each of what the other needs.
      const releaseOutcome = await outcome();
      const releaseConnection = await connection();
      let answered = false;
      let released = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        releaseConnection();
      };
      return {
        answered: answer,
        release() {
          if (released) return;
          released = true;
          answer();
          releaseOutcome();
        },
      };
    },
  };
}
