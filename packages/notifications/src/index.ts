export { messageIdFor, profileLink, senderDomain } from './identity.js';
export type { Bilingual, NoticeInput, NoticeKind, NoticeTask, RenderedMail } from './templates.js';
export { escapeHtml, formatDate, NOTICE_KINDS, renderNotice } from './templates.js';
