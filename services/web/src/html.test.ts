import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderDocument, trustedHtml } from './html.js';

describe('rendering', () => {
  it('escapes text by default', () => {
    const html = renderDocument(h('p', null, '<script>alert(1)</script>'));
    expect(html).toBe('<!doctype html><p>&lt;script>alert(1)&lt;/script></p>');
  });

  it('passes raw HTML only through trustedHtml', () => {
    expect(renderDocument(h('p', null, trustedHtml('<b>fett</b>')))).toBe(
      '<!doctype html><p><span><b>fett</b></span></p>',
    );
  });
});
