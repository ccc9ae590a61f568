import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';

/** A profile that satisfies every SUBMIT rule; `i` makes titles distinct. */
export const completeProfileData = (i: number) => exampleProfile({ title: `Kultur- und Sportzentrum Nr. ${i}` });
