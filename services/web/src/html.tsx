/** @jsxRuntime automatic */
/** @jsxImportSource preact */

import { escapeHtml } from '@steckbrief/notifications';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * Every page is a typed TSX tree rendered to a string: text is escaped by default. Raw HTML gets into
 * a page only through `trustedHtml` or `innerHtml`, so a reviewer can find every such place with one
 * grep; the HTML they take is either the application's own (the `html` template, which escapes what it
 * interpolates) or sanitised where it is made.
 */
export function trustedHtml(html: string): VNode {
  return <span dangerouslySetInnerHTML={{ __html: html }} />;
}

/** HTML made by the `html` template: its interpolated values are escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

function part(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeHtml(value);
  let out = '';
  for (const v of value) out += part(v);
  return out;
}

/**
 * HTML written as a template string, for the few parts of a page where rendering a component tree
 * per item costs too much (the inbox's rows: docs/benchmarks.md). Every interpolated value is escaped
 * unless it is `Html` itself; null, undefined and false write nothing; arrays are joined. Interpolate
 * only into element content and double-quoted attribute values.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += part(values[i] as HtmlValue) + (strings[i + 1] as string);
  return new Html(out);
}

/** The props that make an element's content this HTML: `<tbody {...innerHtml(rows)} />`. */
export function innerHtml(content: Html): { dangerouslySetInnerHTML: { __html: string } } {
  return { dangerouslySetInnerHTML: { __html: content.value } };
}

export function renderDocument(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}

export type Children = ComponentChildren;
