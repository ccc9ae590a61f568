export type { AppDeps } from './app.js';
export { createApp } from './app.js';
export { hashToken, issueToken } from './auth.js';
export { buildRegistry, WORKFLOWS } from './registry.js';
