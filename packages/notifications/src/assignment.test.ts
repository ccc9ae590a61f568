import { describe, expect, it } from 'vitest';
import { renderAssignment } from './assignment.js';

describe('reassignment mail', () => {
  const mail = renderAssignment({
    projectTitle: 'Radweg <Spremberg>',
    task: { de: 'Stellungnahme abgeben', en: 'Give statement' },
    dueAt: new Date('2026-12-21T11:00:00Z'),
    assignedBy: 'Person WRL',
    link: 'https://steckbrief.example.org/aufgaben/7b0c6a0e-0000-4000-8000-000000000001',
    recipientName: 'Erika Muster',
  });

  it('names the task, the project and who assigned it, German first', () => {
    expect(mail.subject).toBe('Aufgabe zugewiesen: Stellungnahme abgeben – Radweg <Spremberg> / Task assigned to you');
    expect(mail.text).toContain(
      'Person WRL hat Ihnen die Aufgabe „Stellungnahme abgeben“ zu „Radweg <Spremberg>“ zugewiesen.',
    );
    expect(mail.text.indexOf('zugewiesen')).toBeLessThan(mail.text.indexOf('assigned the task'));
  });

  it('links to the task page in both bodies and escapes the title in HTML', () => {
    expect(mail.text).toContain('https://steckbrief.example.org/aufgaben/7b0c6a0e-0000-4000-8000-000000000001');
    expect(mail.html).toContain('href="https://steckbrief.example.org/aufgaben/7b0c6a0e-0000-4000-8000-000000000001"');
    expect(mail.html).toContain('Radweg &lt;Spremberg&gt;');
  });

  it('states the due date in Berlin time', () => {
    expect(mail.text).toContain('Die Aufgabe ist fällig am 21. Dezember 2026 um 12:00 Uhr.');
  });
});
