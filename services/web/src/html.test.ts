import { escapeHtml } from '@steckbrief/notifications';
import { h, type VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { html, innerHtml, renderDocument, trustedHtml } from './html.js';

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

describe('the html template', () => {
  it('escapes every interpolated string for element content and quoted attributes', () => {
    const title = `<img src=x onerror="alert('1')"> & Co`;
    expect(html`<a title="${title}">${title}</a>`.value).toBe(
      '<a title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; Co">' +
        '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; Co</a>',
    );
  });

  it('keeps nested templates as they are and writes nothing for null, undefined and false', () => {
    const inner = html`<b>${'a<b'}</b>`;
    expect(html`<p>${inner}${null}${undefined}${false}${[inner, ' & ', 2]}</p>`.value).toBe(
      '<p><b>a&lt;b</b><b>a&lt;b</b> &amp; 2</p>',
    );
  });

  it('leaves text without special characters unchanged', () => {
    expect(escapeHtml('Übernehmen: Sporthalle Burg (Spreewald) – 1.250.000 €')).toBe(
      'Übernehmen: Sporthalle Burg (Spreewald) – 1.250.000 €',
    );
  });

  it('becomes an element’s content through innerHtml', () => {
    expect(renderDocument(h('tbody', innerHtml(html`<tr><td>${'<x>'}</td></tr>`)) as VNode)).toBe(
      '<!doctype html><tbody><tr><td>&lt;x&gt;</td></tr></tbody>',
    );
  });
});
