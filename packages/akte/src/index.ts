/** The Förderakte as documents: PDF and ZIP, for the API and the CLI alike (data: the engine's `buildAkte`). */
export { aktePdf, germanDateTime } from './pdf.js';
export { akteZip, akteZipBuffer, ZIP_ATTACHMENTS, ZIP_JSON, ZIP_PDF, zipNameOf } from './zip.js';
