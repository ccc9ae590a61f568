export type { PageContext } from './components.js';
export { formatCents, formatDate, formatDateTime, formatEuros } from './format.js';
export { trustedHtml } from './html.js';
export type { Operator } from './pages/legal.js';
export type { WorkflowPresentation } from './presentation.js';
export type { WebDeps } from './routes.js';
export { webRoutes } from './routes.js';
export { pageCsp } from './security.js';
export { SIGNIN_TOPIC } from './signin.js';
