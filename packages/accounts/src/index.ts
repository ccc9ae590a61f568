export type { NewUser, UserRecord } from './accounts.js';
export {
  actorForToken,
  actorForTokenHash,
  createUser,
  findUserByEmail,
  grantSchema,
  hashToken,
  issueToken,
  listUsers,
  newToken,
  newUserSchema,
} from './accounts.js';
