/**
 * A tiny DOM toolkit: `h()` builds elements, `keyedChildren()` updates a list in place so that
 * unchanged rows (and the focus inside them) survive a refresh.
 */

type Attr = string | number | boolean | undefined | null;
type Handler = (event: Event) => void;
export type Child = Node | string | number | false | null | undefined;

export interface Props {
  readonly [name: string]: Attr | Handler | Record<string, string> | undefined;
}

/**
 * Creates an element. `on*` props become listeners, `class`/`for`/`aria-*`/`data-*` attributes,
 * `true` booleans empty attributes; `false`/`null`/`undefined` are left out.
 *
 * @example
 * h('button', { type: 'button', onclick: () => send() }, 'Send');
 */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: readonly (Child | readonly Child[])[]
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value as Handler);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
};

const append = (el: Element, children: readonly (Child | readonly Child[])[]): void => {
  for (const child of children) {
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else if (child !== false && child !== null && child !== undefined) el.append(String(child));
  }
};

/** Replaces all children of `el`. */
export const setChildren = (el: Element, ...children: readonly (Child | readonly Child[])[]): void => {
  el.replaceChildren();
  append(el, children);
};

/** One row of a keyed list: `sig` changes whenever the row must be rendered again. */
export interface KeyedRow {
  readonly key: string;
  readonly sig: string;
  render(): HTMLElement;
}

/**
 * Makes `container`'s children match `rows` in order, reusing the element of every row whose
 * key and signature are unchanged (so focus and scroll state inside it are kept).
 *
 * @example
 * keyedChildren(list, messages.map((m) => ({ key: m.id, sig: m.version + m.status, render: () => item(m) })));
 */
export const keyedChildren = (container: HTMLElement, rows: readonly KeyedRow[]): void => {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(container.children))
    if (child instanceof HTMLElement && child.dataset.key !== undefined)
      existing.set(child.dataset.key, child);
  const wanted: HTMLElement[] = [];
  for (const row of rows) {
    const old = existing.get(row.key);
    if (old && old.dataset.sig === row.sig) {
      wanted.push(old);
      existing.delete(row.key);
      continue;
    }
    const fresh = row.render();
    fresh.dataset.key = row.key;
    fresh.dataset.sig = row.sig;
    if (old) {
      const hadFocus = old.contains(document.activeElement);
      old.replaceWith(fresh);
      existing.delete(row.key);
      if (hadFocus) fresh.querySelector<HTMLElement>('button, input, textarea, [tabindex]')?.focus();
    }
    wanted.push(fresh);
  }
  for (const stale of existing.values()) stale.remove();
  let cursor = container.firstElementChild;
  for (const el of wanted) {
    if (el === cursor) {
      cursor = cursor.nextElementSibling;
      continue;
    }
    container.insertBefore(el, cursor);
  }
  const keep = new Set<Element>(wanted);
  for (const child of Array.from(container.children)) if (!keep.has(child)) child.remove();
};
