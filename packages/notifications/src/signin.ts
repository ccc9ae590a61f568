import { escapeHtml, formatDate, type RenderedMail } from './templates.js';

export interface SigninCodeInput {
  /** Six digits. */
  code: string;
  /** Opens the confirm page; only its button signs in (mail scanners open links by themselves). */
  link: string;
  expiresAt: Date;
  recipientName?: string | null;
  timeZone?: string;
}

/**
 * The sign-in mail: the code, the link and until when they work, German first, English below. It
 * says nothing about the account beyond the name, and tells what to do if nobody asked for it.
 */
export function renderSigninCode(input: SigninCodeInput): RenderedMail {
  const until = {
    de: formatDate(input.expiresAt, 'de', input.timeZone),
    en: formatDate(input.expiresAt, 'en', input.timeZone),
  };
  const name = input.recipientName?.replace(/[\r\n]+/g, ' ').trim();
  const greeting = { de: name ? `Guten Tag ${name},` : 'Guten Tag,', en: name ? `Hello ${name},` : 'Hello,' };
  const lines = {
    de: [
      greeting.de,
      '',
      `Ihr Anmeldecode für Steckbrief lautet: ${input.code}`,
      '',
      'Sie können sich auch über diesen Link anmelden:',
      input.link,
      '',
      `Code und Link gelten bis ${until.de} und nur einmal.`,
      'Wenn Sie keine Anmeldung angefordert haben, können Sie diese E-Mail ignorieren.',
    ],
    en: [
      greeting.en,
      '',
      `Your Steckbrief sign-in code is: ${input.code}`,
      '',
      'You can also sign in with this link:',
      input.link,
      '',
      `Code and link are valid until ${until.en} and only once.`,
      'If you did not ask to sign in, you can ignore this e-mail.',
    ],
  };
  const text = [...lines.de, '', '---', '', ...lines.en, ''].join('\n');
  const block = (lang: 'de' | 'en') => {
    const l = lines[lang];
    return `<div lang="${lang}"><p>${escapeHtml(l[0] as string)}</p><p>${escapeHtml(l[2] as string)}</p><p>${escapeHtml(
      l[4] as string,
    )}<br><a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p><p>${escapeHtml(l[7] as string)}<br>${escapeHtml(
      l[8] as string,
    )}</p></div>`;
  };
  return {
    subject: `Ihr Anmeldecode für Steckbrief: ${input.code} / Your sign-in code`,
    text,
    html: `<!doctype html><html lang="de"><body>${block('de')}<hr>${block('en')}</body></html>`,
  };
}
