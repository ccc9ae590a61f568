import { isPlausibleYear, yearRangeMessage } from '@steckbrief/engine';
import { z } from 'zod';

// The year range is the engine's rule (setTaskDue enforces it too); the API states it in its schemas so the
// OpenAPI document and the 422 answer name the field.

/** An ISO date-time with offset whose UTC year lies in the range. */
export const boundedDateTime = (label: string, field: string) =>
  z.iso
    .datetime({ offset: true })
    .refine((v) => isPlausibleYear(new Date(v).getUTCFullYear()), { message: yearRangeMessage(label, field) });

/** A calendar date `YYYY-MM-DD` whose year lies in the range. */
export const boundedDate = (label: string, field: string) =>
  z.iso.date().refine((v) => isPlausibleYear(Number(v.slice(0, 4))), { message: yearRangeMessage(label, field) });
