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

/**
 * A web page below the public URL, which may itself have a path (`https://example.org/app`): mails and the
 * calendar feed link to pages people read, never to the JSON API.
 */
function pageLink(publicUrl: string, path: string, id: string): string {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  return new URL(`${path}/${encodeURIComponent(id)}`, base).toString();
}

/** The profile's page. Mails sent before it existed link to `/profiles/<id>`, which the web redirects here. */
export const profileLink = (publicUrl: string, profileId: string) => pageLink(publicUrl, 'profile', profileId);

/** The task's page, where it is claimed and acted on. */
export const taskLink = (publicUrl: string, taskId: string) => pageLink(publicUrl, 'aufgaben', taskId);

/** The session's page (agenda, decisions, minutes). */
export const sessionLink = (publicUrl: string, sessionId: string) => pageLink(publicUrl, 'sitzungen', sessionId);
