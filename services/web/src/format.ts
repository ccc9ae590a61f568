/**
 * German formatting for pages: dates and times in Europe/Berlin, money as `1.250.000 €`. Intl
 * formatters are costly to build, so each is built once.
 */

const TIME_ZONE = 'Europe/Berlin';

const dateFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const euroFormat = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const centsFormat = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2 });
const numberFormat = new Intl.NumberFormat('de-DE');

const toDate = (value: Date | string) => (typeof value === 'string' ? new Date(value) : value);

/** `3. März 2027` (Berlin time). A calendar date `YYYY-MM-DD` is shown as that day, whatever the time zone. */
export function formatDate(value: Date | string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return dateFormat.format(new Date(`${value}T12:00:00Z`));
  }
  return dateFormat.format(toDate(value));
}

/** `3. März 2027, 14:05 Uhr` (Berlin time). */
export function formatDateTime(value: Date | string): string {
  return `${dateTimeFormat.format(toDate(value))} Uhr`;
}

/**
 * Money from integer cents: `1.250.000 €` for whole euros, `12.500.000,50 €` otherwise.
 * Intl puts a no-break space before the sign, which keeps amount and sign on one line.
 */
export function formatCents(cents: number): string {
  return cents % 100 === 0 ? euroFormat.format(cents / 100) : centsFormat.format(cents / 100);
}

/** Money from a euro amount with at most two decimals (as the profile data holds it). */
export function formatEuros(euros: number): string {
  return formatCents(Math.round(euros * 100));
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}
