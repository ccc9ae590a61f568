/**
 * A Projektsteckbrief that satisfies every SUBMIT rule of SPEC §4 (Werkstatt 4, a municipality as
 * sponsor, like the sports hall in Burg (Spreewald)); figures are illustrative. Tests, benchmarks and
 * demo data start from it and override what they need.
 */
export function exampleProfile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Kultur- und Sportzentrum Burg (Spreewald)',
    summary:
      'Neubau einer multifunktionalen Sporthalle mit Kulturbereich für Vereine, Schulen und die Gemeinde Burg (Spreewald).',
    sponsor: { name: 'Gemeinde Burg (Spreewald)', kind: 'municipality' },
    contact: { name: 'Erika Muster', email: 'erika.muster@example.org', phone: '+49 35603 123' },
    werkstatt: 4,
    subArea: 'daseinsvorsorge',
    location: { municipality: 'Burg (Spreewald)', county: 'SPN' },
    fundingArea: 'staedtebau_regionalentwicklung',
    totalCostEur: 12_500_000.5,
    requestedFundingEur: 11_000_000,
    startDate: '2027-03-01',
    endDate: '2030-06-30',
    measureStarted: false,
    jobsCreated: 4,
    jobsSecured: 10,
    trainingPlaces: 1,
    contribution: 'Stärkt Lebensqualität und Vielfalt im ländlichen Raum und hält Fachkräfte in der Region.',
    ...overrides,
  };
}
