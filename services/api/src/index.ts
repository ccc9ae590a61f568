// Kept for tools that create tokens next to a running API (bench); new code imports @steckbrief/accounts.
export { hashToken, issueToken } from '@steckbrief/accounts';
export type { AppDeps } from './app.js';
export { createApp } from './app.js';
export { API_NODE_FLAGS } from './node-flags.js';
