export type { NewUser } from './accounts.js';
export { actorForToken, createUser, grantSchema, hashToken, issueToken, newToken, newUserSchema } from './accounts.js';
