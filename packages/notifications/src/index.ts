export type { AssignmentInput } from './assignment.js';
export { renderAssignment } from './assignment.js';
export { messageIdFor, profileLink, senderDomain, sessionLink, taskLink } from './identity.js';
export type { SigninCodeInput } from './signin.js';
export { renderSigninCode } from './signin.js';
export type { Bilingual, NoticeInput, NoticeKind, NoticeTask, RenderedMail } from './templates.js';
export { escapeHtml, formatDate, NOTICE_KINDS, renderNotice } from './templates.js';
