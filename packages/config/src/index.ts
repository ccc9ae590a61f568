export type { Config } from './config.js';
export { ConfigError, configSchema, DEV_ADMIN_TOKEN, isLoopbackHost, loadConfig, loadConfigOrExit } from './config.js';
export { MASKED_EMAIL, maskEmails, privateLogOptions } from './log-privacy.js';
export { describeRedisError, networkReason, redactUrl, unreachableMessage } from './start-errors.js';
