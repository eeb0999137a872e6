import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from './sanitizeHtml.ts';

/** Any UTF-16 code unit, lone surrogates included (fast-check's 'binary' unit is slow to warm up). */
const codeUnit = fc
  .oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }))
  .map((c) => String.fromCharCode(c));

describe('sanitizeHtml', () => {
  it.each([
    ['plain text', 'hello world', 'hello world'],
    ['allowed tags, lower-cased', '<P>a<B>b</B><EM>c</EM><br/></P>', '<p>a<b>b</b><em>c</em><br></p>'],
    [
      'lists and quotes',
      '<ul><li>x</li></ul><blockquote>q</blockquote>',
      '<ul><li>x</li></ul><blockquote>q</blockquote>',
    ],
    ['every attribute of allowed tags', '<p class="x" onclick="evil()" style="a">t</p>', '<p>t</p>'],
    ['script with content', 'a<script>alert(1)</script>b', 'ab'],
    ['script in upper case with an odd end tag', 'a<SCRIPT type="x">1</script foo>b', 'ab'],
    ['script whose content looks like an end tag', '<script>"</scriptx>"</script>ok', 'ok'],
    ['style with content', '<style>p{color:red}</style>ok', 'ok'],
    ['iframe with content', '<iframe src="x">inner</iframe>ok', 'ok'],
    ['object with nested content', '<object><b>x</b><object>y</object>z</object>after', 'after'],
    ['svg with script inside', '<svg><script>x</script><b>y</b></svg>z', 'z'],
    ['an unterminated script', 'a<script>alert(1)', 'a'],
    ['unknown tags, keeping their text', '<div><font color=red>x</font></div>', 'x'],
    ['comments', 'a<!-- <b>x</b> -->b<!-->c', 'abc'],
    ['doctype and processing instructions', '<!DOCTYPE html><?xml x?>t', 't'],
    ['stray < and >', 'a < b > c', 'a &lt; b &gt; c'],
    ['stray &', 'fish & chips &&', 'fish &amp; chips &amp;&amp;'],
    [
      'existing entities',
      '&lt;b&gt; &amp; &#128512; &#x1F600; &copy;',
      '&lt;b&gt; &amp; &#128512; &#x1F600; &copy;',
    ],
    ['an unterminated tag at the end', 'x <b', 'x &lt;b'],
    ['end tags closing inner elements', '<b><i>x</b>y</i>', '<b><i>x</i></b>y'],
    ['unopened end tags', '</p></b>text</li>', 'text'],
    ['unclosed tags', '<p><b>x', '<p><b>x</b></p>'],
    ['a quoted > inside an attribute', '<p title="a>b">x</p>', '<p>x</p>'],
    ['emoji, ZWJ and RTL text', '<p>👨‍👩‍👧 שלום مرحبا</p>', '<p>👨‍👩‍👧 שלום مرحبا</p>'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeHtml(input)).toBe(expected);
  });

  describe('links', () => {
    const rel = 'rel="noopener noreferrer"';
    it.each([
      [
        'https',
        '<a href="https://example.com/a?b=1&amp;c=2">x</a>',
        `<a href="https://example.com/a?b=1&amp;c=2" ${rel}>x</a>`,
      ],
      ['http, unquoted', '<a href=http://e.com>x</a>', `<a href="http://e.com" ${rel}>x</a>`],
      ['mailto, single-quoted', "<a href='mailto:a@b.c'>x</a>", `<a href="mailto:a@b.c" ${rel}>x</a>`],
      [
        'a raw & in a query',
        '<a href="https://e.com/?a=1&b=2">x</a>',
        `<a href="https://e.com/?a=1&amp;b=2" ${rel}>x</a>`,
      ],
      [
        'a quote in the URL',
        `<a href='https://e.com/"onmouseover="x'>x</a>`,
        `<a href="https://e.com/&quot;onmouseover=&quot;x" ${rel}>x</a>`,
      ],
      ['javascript:', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
      ['JaVaScRiPt: with entities', '<a href="&#106;avascript&#x3A;alert(1)">x</a>', '<a>x</a>'],
      ['javascript: with a tab', '<a href="java\tscript:alert(1)">x</a>', '<a>x</a>'],
      ['data:', '<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
      ['a relative URL', '<a href="/path">x</a>', '<a>x</a>'],
      ['protocol-relative', '<a href="//evil.com">x</a>', '<a>x</a>'],
      [
        'other attributes next to href',
        '<a onclick="x" href="https://e.com" target="_blank">x</a>',
        `<a href="https://e.com" ${rel}>x</a>`,
      ],
      [
        'a duplicate href (first wins)',
        '<a href="https://a.com" href="javascript:x">x</a>',
        `<a href="https://a.com" ${rel}>x</a>`,
      ],
    ])('%s', (_name, input, expected) => {
      expect(sanitizeHtml(input)).toBe(expected);
    });
  });
});

// ---- properties -------------------------------------------------------------------------------

/** HTML-ish input: fragments that stress the tokenizer, glued with random text. */
const htmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<',
        '>',
        '&',
        '</',
        '/>',
        '"',
        "'",
        '=',
        ' ',
        '<!--',
        '-->',
        '<!',
        '<?',
        '&amp;',
        '&lt;',
        '&#60;',
        '&#x3c;',
        '&copy;',
        '<p>',
        '</p>',
        '<b>',
        '</b>',
        '<br/>',
        '<a href="',
        '<a href=',
        'https://x.y',
        'javascript:',
        '<script>',
        '</script>',
        '<style>',
        '</style>',
        '<object>',
        '</object>',
        '<svg>',
        '</svg>',
        '<iframe>',
        '</iframe>',
        ' onclick="',
        '<li>',
        '</ul>',
        '<SPAN class=x>',
        '</SPAN >',
        '\u0000',
        '\ud800',
        '😀',
      ),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: codeUnit, maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const ALLOWED_OUTPUT_TAG =
  /^<\/?(p|br|b|strong|i|em|u|s|code|pre|blockquote|ul|ol|li|span|a)>$|^<a href="[^"]*" rel="noopener noreferrer">$/;

describe('sanitizeHtml properties', () => {
  it('is total and idempotent on HTML-ish input', () => {
    fc.assert(
      fc.property(htmlish, (html) => {
        const once = sanitizeHtml(html);
        expect(sanitizeHtml(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('is total and idempotent on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 200 }), (html) => {
        const once = sanitizeHtml(html);
        expect(sanitizeHtml(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('emits only allowed tags, a safe href and no stray markup', () => {
    fc.assert(
      fc.property(htmlish, (html) => {
        const out = sanitizeHtml(html);
        for (const tag of out.match(/<[^>]*>?/g) ?? []) {
          expect(tag).toMatch(ALLOWED_OUTPUT_TAG);
          const href = /^<a href="([^"]*)"/.exec(tag)?.[1];
          if (href !== undefined) expect(href).toMatch(/^(https?:\/\/|mailto:)/i);
        }
        // every '&' starts a character reference, so nothing is left for a browser to reinterpret
        expect(out.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g, '')).not.toContain('&');
      }),
      { numRuns: 2000 },
    );
  });

  it('balances tags', () => {
    fc.assert(
      fc.property(htmlish, (html) => {
        const stack: string[] = [];
        for (const [, end, name] of sanitizeHtml(html).matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
          if (name === 'br') continue;
          if (end) expect(stack.pop()).toBe(name);
          else stack.push(name as string);
        }
        expect(stack).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps plain text without markup characters unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        fc.pre(!/[<>&]/.test(text));
        expect(sanitizeHtml(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('handles large hostile input in linear-ish time without throwing', () => {
    const nasty = [
      '<object>',
      '<a title="',
      '<b>'.repeat(10_000),
      '<x'.repeat(10_000),
      '</b>'.repeat(10_000),
    ];
    for (const n of nasty) expect(typeof sanitizeHtml(n.repeat(5))).toBe('string');
    expect(sanitizeHtml('<b>'.repeat(10_000)).length).toBeLessThan(1000); // nesting is capped
  });
});
