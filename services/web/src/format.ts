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

/**
 * Formatting a date costs microseconds, and a list page formats dozens, mostly of the same few days.
 * Since 1893 Berlin's offset is a whole number of hours and changes only on the hour, so every instant
 * of one UTC hour is on the same Berlin day, and of one UTC minute shows the same time: the results
 * are cached per UTC hour (dates) and minute (date and time). Bounded: a full cache starts over.
 */
const CACHE_SIZE = 10_000;
const WHOLE_HOUR_OFFSETS_SINCE = Date.UTC(1900, 0, 1);

function cached(cache: Map<string | number, string>, key: string | number, make: () => string): string {
  let out = cache.get(key);
  if (out === undefined) {
    out = make();
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(key, out);
  }
  return out;
}

const days = new Map<string | number, string>();
const minutes = new Map<string | number, string>();

/** `3. März 2027` (Berlin time). A calendar date `YYYY-MM-DD` is shown as that day, whatever the time zone. */
export function formatDate(value: Date | string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return cached(days, value, () => dateFormat.format(new Date(`${value}T12:00:00Z`)));
  }
  const date = toDate(value);
  const ms = date.getTime();
  if (!(ms >= WHOLE_HOUR_OFFSETS_SINCE)) return dateFormat.format(date);
  return cached(days, Math.floor(ms / 3_600_000), () => dateFormat.format(date));
}

/** `3. März 2027, 14:05 Uhr` (Berlin time). */
export function formatDateTime(value: Date | string): string {
  const date = toDate(value);
  const ms = date.getTime();
  if (!(ms >= WHOLE_HOUR_OFFSETS_SINCE)) return `${dateTimeFormat.format(date)} Uhr`;
  return cached(minutes, Math.floor(ms / 60_000), () => `${dateTimeFormat.format(date)} Uhr`);
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
