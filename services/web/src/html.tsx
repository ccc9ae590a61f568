/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * Every page is a typed TSX tree rendered to a string: text is escaped by default. The one way to put
 * raw HTML into a page is `trustedHtml`, so a reviewer can find every such place with one grep.
 */
export function trustedHtml(html: string): VNode {
  return <span dangerouslySetInnerHTML={{ __html: html }} />;
}

export function renderDocument(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}

export type Children = ComponentChildren;
