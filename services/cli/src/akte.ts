import { writeFile } from 'node:fs/promises';
import { aktePdf, akteZipBuffer } from '@steckbrief/akte';
import { akteAttachmentBytes, buildAkte } from '@steckbrief/engine';
import { type CliContext, operatorActor } from './context.js';
import type { Out } from './users.js';

export const AKTE_FORMATS = ['pdf', 'zip', 'json'] as const;
export type AkteFormat = (typeof AKTE_FORMATS)[number];

/**
 * `profiles akte <id> [--format pdf|zip|json] [--out file]`: the Förderakte of a submitted profile, as the
 * roles that see every submitted profile see it, written to a file (`foerderakte-<id>.<format>` by default).
 */
export async function profilesAkte(
  ctx: CliContext,
  id: string,
  options: { format?: AkteFormat; out?: string },
  out: Out,
): Promise<void> {
  const format = options.format ?? 'pdf';
  const actor = await operatorActor(ctx.db, ctx.registry);
  const akte = await buildAkte(ctx.deps, actor, id);
  const bytes =
    format === 'json'
      ? Buffer.from(`${JSON.stringify(akte, null, 2)}\n`)
      : format === 'zip'
        ? await akteZipBuffer(akte, (attachmentId) => akteAttachmentBytes(ctx.deps, akte, attachmentId))
        : await aktePdf(akte);
  const file = options.out ?? `foerderakte-${akte.profile.id}.${format}`;
  await writeFile(file, bytes);
  out(
    `wrote ${file} (${bytes.byteLength} bytes): ${akte.history.length} history entries, ${akte.mails.length} mail(s), ${akte.attachments.length} attachment(s)`,
  );
  const v = akte.verification;
  out(
    v.ok
      ? `history chain: OK (${v.entries} entries)`
      : `history chain: BROKEN at seq ${v.firstBroken?.seq}: ${v.firstBroken?.reason}`,
  );
}
