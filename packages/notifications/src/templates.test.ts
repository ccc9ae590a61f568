import { describe, expect, it } from 'vitest';
import { messageIdFor, profileLink, senderDomain, sessionLink, taskLink } from './identity.js';
import { escapeHtml, type NoticeInput, renderNotice } from './templates.js';

const base: NoticeInput = {
  kind: 'state_changed',
  projectTitle: 'Kultur- und Sportzentrum Burg (Spreewald)',
  state: { de: 'Eingangsprüfung', en: 'Intake check' },
  tasks: [],
  link: 'https://steckbrief.example.org/profile/0b5e',
  recipientName: 'Erika Muster',
};

describe('renderNotice', () => {
  it('tells the owner of a draft when it will be deleted and how to keep it, without its contents', () => {
    const inThirty = renderNotice({ ...base, kind: 'draft_deletion', state: { de: 'Entwurf', en: 'Draft' } });
    expect(inThirty.subject).toBe(
      'Ihr Entwurf wird in 30 Tagen gelöscht – Kultur- und Sportzentrum Burg (Spreewald) / Your draft will be deleted in 30 days',
    );
    expect(inThirty.text).toContain(
      'Wenn Sie den Entwurf behalten möchten, bearbeiten oder reichen Sie ihn vorher ein',
    );
    expect(inThirty.text).toContain('To keep the draft, edit or submit it before then');
    const dated = renderNotice({ ...base, kind: 'draft_deletion', deleteAt: new Date('2026-01-15T10:30:00Z') });
    expect(dated.subject).toContain('Ihr Entwurf wird am 15. Januar 2026 um 11:30 Uhr gelöscht');
  });

  it('names the project, the new state in German and English, and links to the profile', () => {
    const mail = renderNotice(base);
    expect(mail.subject).toBe(
      'Neuer Status: Eingangsprüfung – Kultur- und Sportzentrum Burg (Spreewald) / New status: Intake check',
    );
    expect(mail.text).toContain('hat einen neuen Status: Eingangsprüfung.');
    expect(mail.text).toContain('has a new status: Intake check.');
    expect(mail.text.indexOf('Guten Tag Erika Muster,')).toBeLessThan(mail.text.indexOf('Hello Erika Muster,'));
    expect(mail.text).toContain('https://steckbrief.example.org/profile/0b5e');
    expect(mail.html).toContain('<a href="https://steckbrief.example.org/profile/0b5e">');
    expect(mail.text).toContain('Für Sie ist derzeit nichts zu tun.');
  });

  it('says what to do next and by when, in Berlin time', () => {
    const mail = renderNotice({
      ...base,
      kind: 'task_assigned',
      tasks: [
        {
          label: { de: 'Eingangsprüfung durchführen', en: 'Carry out the intake check' },
          dueAt: new Date('2026-01-15T10:30:00Z'),
        },
      ],
    });
    expect(mail.subject).toContain('Neue Aufgabe: Eingangsprüfung durchführen');
    expect(mail.text).toContain('- Eingangsprüfung durchführen – bis 15. Januar 2026 um 11:30 Uhr');
    expect(mail.text).toContain('- Carry out the intake check – by 15 January 2026 at 11:30');
  });

  it('escapes user-supplied values in the HTML part', () => {
    const mail = renderNotice({ ...base, projectTitle: '<script>alert(1)</script>', recipientName: 'A & "B" <b>' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('A &amp; &quot;B&quot; &lt;b&gt;');
    // Plain text shows the title as typed: it is not markup there.
    expect(mail.text).toContain('<script>alert(1)</script>');
  });

  it('keeps line breaks in a title out of the subject', () => {
    const mail = renderNotice({ ...base, projectTitle: 'Evil\r\nBcc: victim@example.org' });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Evil Bcc: victim@example.org');
  });

  it('renders reminders, escalations and session results with their own subjects', () => {
    const tasks = [
      { label: { de: 'Steckbrief überarbeiten', en: 'Revise the profile' }, dueAt: new Date('2026-07-01T08:00:00Z') },
    ];
    expect(renderNotice({ ...base, kind: 'reminder', tasks }).subject).toMatch(
      /^Erinnerung: Steckbrief überarbeiten bis 1\. Juli 2026 um 10:00 Uhr/,
    );
    const escalation = renderNotice({
      ...base,
      kind: 'escalation',
      tasks,
      assignee: { de: 'Projektträger', en: 'Project sponsor' },
    });
    expect(escalation.subject).toMatch(/^Frist überschritten: Steckbrief überarbeiten/);
    expect(escalation.text).toContain('(zuständig: Projektträger)');
    expect(
      renderNotice({
        ...base,
        kind: 'session_result',
        state: { de: 'Von der IMAG bestätigt', en: 'Confirmed by the IMAG' },
      }).subject,
    ).toMatch(/^Ergebnis der Sitzung: Von der IMAG bestätigt/);
  });

  it('copes with a profile without a title', () => {
    const mail = renderNotice({ ...base, projectTitle: null });
    expect(mail.text).toContain('der Projektsteckbrief (ohne Titel) hat');
    expect(mail.subject).toBe('Neuer Status: Eingangsprüfung / New status: Intake check');
  });
});

describe('identity helpers', () => {
  it('gives one Message-ID per cause and recipient', () => {
    const a = messageIdFor('notify:p:2:state_changed:applicant:owner:org:X', 'u1', 'example.org');
    expect(a).toMatch(/^<[0-9a-f]{40}@example\.org>$/);
    expect(messageIdFor('notify:p:2:state_changed:applicant:owner:org:X', 'u1', 'example.org')).toBe(a);
    expect(messageIdFor('notify:p:2:state_changed:applicant:owner:org:X', 'u2', 'example.org')).not.toBe(a);
  });

  it('reads the sender domain and builds profile links', () => {
    expect(senderDomain('Steckbrief <noreply@Lausitz.example.org>')).toBe('lausitz.example.org');
    expect(senderDomain('noreply@example.org')).toBe('example.org');
    expect(profileLink('https://x.example/app', 'abc')).toBe('https://x.example/app/profile/abc');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('links tasks to /aufgaben/<id> and sessions to /sitzungen/<id> below the public URL, with or without its path', () => {
    expect(taskLink('https://x.example/app', 't 1')).toBe('https://x.example/app/aufgaben/t%201');
    expect(taskLink('https://x.example/', 't1')).toBe('https://x.example/aufgaben/t1');
    expect(sessionLink('https://x.example/app/', 's1')).toBe('https://x.example/app/sitzungen/s1');
    expect(sessionLink('https://x.example', 's1')).toBe('https://x.example/sitzungen/s1');
  });

  it('links a task notice to the task page above the profile page, in text and HTML', () => {
    const mail = renderNotice({
      ...base,
      kind: 'reminder',
      tasks: [{ label: { de: 'Votum abgeben', en: 'Give the vote' }, dueAt: new Date('2026-01-15T10:30:00Z') }],
      taskLink: 'https://steckbrief.example.org/aufgaben/7c1d',
    });
    const de = mail.text.slice(0, mail.text.indexOf('English version below'));
    expect(de).toContain('Zur Aufgabe (Anmeldung erforderlich):\nhttps://steckbrief.example.org/aufgaben/7c1d');
    expect(de.indexOf('/aufgaben/7c1d')).toBeLessThan(de.indexOf('/profile/0b5e'));
    expect(mail.text).toContain('Open the task (sign-in required):\nhttps://steckbrief.example.org/aufgaben/7c1d');
    expect(mail.html).toContain('<a href="https://steckbrief.example.org/aufgaben/7c1d">');
  });

  it('leaves the task link out of a state change notice', () => {
    const mail = renderNotice({ ...base, taskLink: 'https://steckbrief.example.org/aufgaben/7c1d' });
    expect(mail.text).not.toContain('/aufgaben/');
    expect(mail.html).not.toContain('/aufgaben/');
  });
});
