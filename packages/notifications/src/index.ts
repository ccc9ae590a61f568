export { escapeHtml, formatDate, NOTICE_KINDS, renderNotice } from './templates.js';
export type { Bilingual, NoticeInput, NoticeKind, NoticeTask, RenderedMail } from './templates.js';
export { messageIdFor, profileLink, senderDomain } from './identity.js';
