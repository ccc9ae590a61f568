import type { Db } from '@steckbrief/db';
import { type SqlBool, sql } from 'kysely';
import { isUuid } from './store.js';

/**
 * Where the bytes of attachments live. PostgreSQL by default (`postgresAttachmentStore`); an S3-compatible
 * store implements the same three calls. Keys are the store's own; the metadata (`attachments`) names them.
 */
export interface AttachmentStore {
  /** Store the bytes under a new key. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes under a key, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Remove the bytes under a key; removing a missing key is harmless. */
  delete(key: string): Promise<void>;
}

export interface PostgresAttachmentStore extends AttachmentStore {
  /**
   * Remove blobs older than `before` that no current attachment names: left behind when the process died
   * between writing a blob and committing its attachment, or between removing an attachment and its blob.
   * Returns how many were removed.
   */
  removeOrphans(before: Date): Promise<number>;
}

/** Blobs in the `attachment_blobs` table (bytea, stored uncompressed: the files are compressed already). */
export function postgresAttachmentStore(db: Db): PostgresAttachmentStore {
  return {
    async put(bytes) {
      const row = await db
        .insertInto('attachment_blobs')
        .values({ bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })
        .returning('key')
        .executeTakeFirstOrThrow();
      return row.key;
    },
    async get(key) {
      if (!isUuid(key)) return undefined;
      const row = await db.selectFrom('attachment_blobs').select('bytes').where('key', '=', key).executeTakeFirst();
      return row?.bytes;
    },
    async delete(key) {
      if (!isUuid(key)) return;
      await db.deleteFrom('attachment_blobs').where('key', '=', key).execute();
    },
    async removeOrphans(before) {
      const result = await db
        .deleteFrom('attachment_blobs as b')
        .where('b.created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('attachments as a')
                .select(sql`1`.as('one'))
                .where(sql<SqlBool>`a.storage_key = b.key::text`)
                .where('a.removed_at', 'is', null),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
