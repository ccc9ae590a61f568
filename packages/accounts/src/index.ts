export type { NewUser, TokenRecord, UserRecord } from './accounts.js';
export {
  actorForToken,
  actorForTokenHash,
  createUser,
  findUserByEmail,
  grantSchema,
  hashToken,
  issueToken,
  listTokens,
  listUsers,
  newToken,
  newUserSchema,
  revokeTokens,
  setUserDisabled,
} from './accounts.js';
