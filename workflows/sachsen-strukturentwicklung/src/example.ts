/**
 * A Projektvorschlag that satisfies every SUBMIT rule of the Saxon procedure: a municipality in the
 * Landkreis Görlitz (Lausitzer Revier); figures are illustrative. Tests and demo data start from it and
 * override what they need.
 */
export function exampleProposal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Gründer- und Innovationszentrum Weißwasser',
    summary:
      'Umbau eines leerstehenden Werksgebäudes zu einem Gründer- und Innovationszentrum mit Werkstätten, Büros und Veranstaltungsräumen.',
    sponsor: { name: 'Stadt Weißwasser/O.L.', kind: 'municipality' },
    contact: { name: 'Erika Muster', email: 'erika.muster@example.org' },
    location: { municipality: 'Weißwasser/O.L.', landkreis: 'goerlitz' },
    revier: 'lausitz',
    goal: 'Ziel 1: Wirtschaft stärken und diversifizieren',
    handlungsempfehlung: '1.2 Gründungen und Ansiedlungen unterstützen',
    usageRights: 'owner',
    outsideFloodArea: true,
    totalCostEur: 8_400_000,
    requestedFundingEur: 7_560_000,
    startDate: '2027-04-01',
    endDate: '2030-12-31',
    measureStarted: false,
    jobsCreated: 60,
    trainingPlaces: 8,
    structuralEffect:
      'Schafft Arbeitsplätze in jungen Unternehmen und verbreitert die Wirtschaftsstruktur nach der Kohle.',
    ...overrides,
  };
}
