import { z } from 'zod';

/**
 * Dates a person can mean in this process: deadlines and sessions of a funding programme that runs until
 * 2038. The bound keeps typos such as year 0000 or 9999 out of the database, where they would be stored but
 * could not be used: PostgreSQL rejects year 0000 in the ISO form the worker passes on (review finding 4).
 */
export const EARLIEST_YEAR = 2000;
export const LATEST_YEAR = 2100;

const inRange = (year: number) => year >= EARLIEST_YEAR && year <= LATEST_YEAR;
const rangeMessage = (label: string, field: string) =>
  `${label}: muss zwischen ${EARLIEST_YEAR} und ${LATEST_YEAR} liegen. / ${field} must be between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}.`;

/** An ISO date-time with offset whose UTC year lies in the range. */
export const boundedDateTime = (label: string, field: string) =>
  z.iso
    .datetime({ offset: true })
    .refine((v) => inRange(new Date(v).getUTCFullYear()), { message: rangeMessage(label, field) });

/** A calendar date `YYYY-MM-DD` whose year lies in the range. */
export const boundedDate = (label: string, field: string) =>
  z.iso.date().refine((v) => inRange(Number(v.slice(0, 4))), { message: rangeMessage(label, field) });
