/**
 * An allow-list HTML sanitizer for `html` messages (ACS sanitizes html messages too). It runs on
 * Node without a DOM: a small tokenizer reads the input, and the output is rebuilt from scratch
 * out of allowed tags with no attributes (except a checked `href` on `a`), escaped text and
 * balanced end tags. Safety rests on the output vocabulary, not on parsing exactly as a browser:
 * whatever the tokenizer makes of odd input, it can only emit that vocabulary.
 *
 * Total (never throws) and idempotent: `sanitizeHtml(sanitizeHtml(x)) === sanitizeHtml(x)`.
 */

const ALLOWED = new Set([
  'p',
  'br',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'span',
]);
const VOID = new Set(['br']);
/** Deeper nesting is flattened (start tags past it are dropped), which bounds the work per end tag. */
const MAX_DEPTH = 64;

/** Elements whose content is raw text to the HTML parser: skipped up to their end tag, content and all. */
const RAW_TEXT = new Set([
  'script',
  'style',
  'iframe',
  'textarea',
  'title',
  'xmp',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
]);
/** Elements dropped with everything inside them (their content is ordinary markup). */
const DROP_WITH_CONTENT = new Set(['object', 'embed', 'applet', 'svg', 'math', 'template', 'select', 'head']);

const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in URLs are refused
const URL_BAD_CHARS = /[\u0000-\u0020\u007f]/;
const CHAR_REF = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;
const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isLetter = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

interface Tag {
  readonly name: string;
  readonly end: boolean;
  readonly selfClosing: boolean;
  readonly attrs: ReadonlyMap<string, string>;
  /** Index just after the closing `>`. */
  readonly next: number;
}

/** Reads a tag starting at `html[at] === '<'`; undefined when the input ends before its `>`. */
const readTag = (html: string, at: number): Tag | undefined => {
  let i = at + 1;
  const end = html[i] === '/';
  if (end) i++;
  const nameStart = i;
  while (i < html.length && !isSpace(html[i]) && html[i] !== '/' && html[i] !== '>') i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attrs = new Map<string, string>();
  let selfClosing = false;
  while (i < html.length) {
    const c = html[i];
    if (c === '>') return { name, end, selfClosing, attrs, next: i + 1 };
    if (isSpace(c) || c === '/') {
      selfClosing = c === '/';
      i++;
      continue;
    }
    selfClosing = false;
    const attrStart = i;
    i++; // an attribute name may start with '=' in HTML
    while (i < html.length && !isSpace(html[i]) && html[i] !== '/' && html[i] !== '>' && html[i] !== '=') i++;
    const attrName = html.slice(attrStart, i).toLowerCase();
    while (isSpace(html[i])) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (isSpace(html[i])) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close === -1) return undefined;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !isSpace(html[i]) && html[i] !== '>') i++;
        value = html.slice(valueStart, i);
      }
    }
    if (!attrs.has(attrName)) attrs.set(attrName, value);
  }
  return undefined;
};

const escapeText = (s: string): string => s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text: well-formed character references stay as they are, every other `&` becomes `&amp;`. */
const emitText = (s: string): string => {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp === -1) {
      out += escapeText(s.slice(i));
      break;
    }
    out += escapeText(s.slice(i, amp));
    const ref = CHAR_REF.exec(s.slice(amp, amp + 40));
    if (ref) {
      out += ref[0];
      i = amp + ref[0].length;
    } else {
      out += '&amp;';
      i = amp + 1;
    }
  }
  return out;
};

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes numeric references and the five basic named ones; leaves anything else as written. */
const decodeAttr = (s: string): string =>
  s.replace(/&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g, (_m, dec, hex, name) => {
    if (name) return NAMED[name as string] ?? '';
    const cp = dec ? Number.parseInt(dec as string, 10) : Number.parseInt(hex as string, 16);
    const valid = cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    return String.fromCodePoint(valid ? cp : 0xfffd);
  });

/** The `href` as it should be written out, or undefined when it is not an absolute http(s)/mailto URL. */
const safeHref = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  const url = decodeAttr(raw).trim();
  if (!SAFE_HREF.test(url) || URL_BAD_CHARS.test(url)) return undefined;
  return escapeAttr(url);
};

/** Index just after the end tag `</name …>` that closes a raw-text element, or the input's length. */
const skipRawText = (html: string, name: string, from: number): number => {
  const endTag = new RegExp(`</${name}(?=[\\s/>]|$)`, 'gi');
  endTag.lastIndex = from;
  const found = endTag.exec(html);
  if (!found) return html.length;
  return readTag(html, found.index)?.next ?? html.length;
};

/**
 * Sanitizes an html message body to Parley's allow-list: p, br, b, strong, i, em, u, s, code, pre,
 * blockquote, ul, ol, li, span, and a (with an absolute http/https/mailto `href` and
 * `rel="noopener noreferrer"`). Every other tag is dropped (script, style, iframe, object, … with
 * their content), every attribute but `a`'s `href` is dropped, stray `<`, `>` and `&` are escaped,
 * and end tags are balanced.
 *
 * @example
 * sanitizeHtml('<p onclick="x()">hi <script>alert(1)</script><a href="https://a.example">a</a>');
 * // → '<p>hi <a href="https://a.example" rel="noopener noreferrer">a</a></p>'
 */
export const sanitizeHtml = (html: string): string => {
  if (typeof html !== 'string') return '';
  let out = '';
  const open: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      out += emitText(html.slice(i));
      break;
    }
    out += emitText(html.slice(i, lt));
    i = lt;
    const next = html[i + 1];
    if (html.startsWith('<!--', i)) {
      // comment: `<!-->` and `<!--->` end at once, as in HTML
      const close = html.startsWith('<!-->', i) ? i + 5 : html.startsWith('<!--->', i) ? i + 6 : -1;
      const end = html.indexOf('-->', i + 4);
      i = close !== -1 ? close : end === -1 ? html.length : end + 3;
      continue;
    }
    if (next === '!' || next === '?' || (next === '/' && !isLetter(html[i + 2]))) {
      // doctype, CDATA, processing instruction or bogus end tag: dropped up to the next '>'
      const end = html.indexOf('>', i + 2);
      i = end === -1 ? html.length : end + 1;
      continue;
    }
    if (!isLetter(next) && next !== '/') {
      out += '&lt;';
      i++;
      continue;
    }
    const tag = readTag(html, i);
    if (!tag) {
      // unterminated tag at the end of input: keep it as text
      out += emitText(html.slice(i));
      break;
    }
    i = tag.next;
    if (!tag.end && RAW_TEXT.has(tag.name)) {
      i = skipRawText(html, tag.name, i);
      continue;
    }
    if (!tag.end && DROP_WITH_CONTENT.has(tag.name) && !tag.selfClosing) {
      i = skipNested(html, tag.name, i);
      continue;
    }
    if (!ALLOWED.has(tag.name)) continue;
    if (tag.end) {
      const at = open.lastIndexOf(tag.name);
      if (at === -1) continue;
      while (open.length > at) out += `</${open.pop()}>`;
      continue;
    }
    if (open.length >= MAX_DEPTH) continue;
    if (VOID.has(tag.name)) {
      out += `<${tag.name}>`;
      continue;
    }
    if (tag.name === 'a') {
      const href = safeHref(tag.attrs.get('href'));
      out += href === undefined ? '<a>' : `<a href="${href}" rel="noopener noreferrer">`;
    } else {
      out += `<${tag.name}>`;
    }
    open.push(tag.name);
  }
  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
};

/** Index just after the end tag matching an element opened before `from`, counting nested ones of that name. */
const skipNested = (html: string, name: string, from: number): number => {
  let depth = 1;
  let i = from;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) return html.length;
    const tag = isLetter(html[lt + 1]) || html[lt + 1] === '/' ? readTag(html, lt) : undefined;
    if (!tag) {
      if (isLetter(html[lt + 1]) || html[lt + 1] === '/') return html.length; // unterminated: dropped to the end
      i = lt + 1;
      continue;
    }
    i = tag.next;
    if (tag.name !== name) {
      if (!tag.end && RAW_TEXT.has(tag.name)) i = skipRawText(html, tag.name, i);
      continue;
    }
    depth += tag.end ? -1 : tag.selfClosing ? 0 : 1;
    if (depth === 0) return i;
  }
  return html.length;
};
