export { createApp } from './app.js';
export type { AppDeps } from './app.js';
export { buildRegistry, WORKFLOWS } from './registry.js';
export { hashToken, issueToken } from './auth.js';
