/**
 * The two bounds on a process's mails in flight (decision 007), each as many as the transport has
 * SMTP connections:
 *
 * - **connection**: from hand-off to the server's answer. A mail is handed to the transport only when
 *   one of its connections is free, so it never waits in the transport's own unbounded queue while its
 *   lease runs out.
 * - **completion**: from the message's final dot (the moment the server may accept it) to its recorded
 *   outcome (the delivered mark committed, or the send failed). The transport sends the envelope
 *   and the body at once but holds the final dot until the mail has a completion place.
 *
 * So at any instant at most one mail per connection can have been accepted by the server without a
 * committed mark, and a crash re-sends at most one mail per SMTP connection; yet a connection starts
 * its next mail's envelope and body while the previous mail's mark is still on its way to PostgreSQL.
 */
export interface SendSlot {
  /** Give the place back (a second call does nothing). */
  release(): void;
}

export interface SendSlots {
  readonly connections: number;
  /** Wait for a free SMTP connection; hold it until the server's answer to the message is in. */
  connection(): Promise<SendSlot>;
  /**
   * Wait until fewer mails than there are connections are between their final dot and their recorded
   * outcome; hold the place until this mail's outcome is recorded.
   */
  completion(): Promise<SendSlot>;
}

/** A counting semaphore whose places are handed to waiters in order. */
function semaphore(places: number): () => Promise<SendSlot> {
  let free = places;
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
  return () => {
    if (free > 0) {
      free--;
      return Promise.resolve(slot());
    }
    return new Promise((resolve) => waiting.push(() => resolve(slot())));
  };
}

export function createSendSlots(connections: number): SendSlots {
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error(`SMTP connections must be a positive integer, not ${connections}`);
  return { connections, connection: semaphore(connections), completion: semaphore(connections) };
}
