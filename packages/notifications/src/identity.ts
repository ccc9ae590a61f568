import { createHash } from 'node:crypto';

/**
 * A stable Message-ID per cause and recipient: a re-send after a crash between the SMTP answer and
 * the delivery log's update carries the same Message-ID, so receivers and archives see one mail.
 */
export function messageIdFor(cause: string, recipientId: string, domain: string): string {
  const hash = createHash('sha256').update(`${cause}\n${recipientId}`).digest('hex').slice(0, 40);
  return `<${hash}@${domain}>`;
}

/** The domain of a sender such as `Steckbrief <noreply@example.org>` (fallback: `steckbrief.localhost`). */
export function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1]?.toLowerCase() ?? 'steckbrief.localhost';
}

/** Link to the authenticated view of a profile. */
export function profileLink(publicUrl: string, profileId: string): string {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  return new URL(`profiles/${encodeURIComponent(profileId)}`, base).toString();
}
