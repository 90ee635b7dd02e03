/**
 * The extraction code sees a page only through {@link PageView}: elements found by id, each parsed
 * on demand. {@link RegionPageView} parses only the regions asked for (the fast path);
 * {@link DomPageView} wraps a DOM of the whole page (the baseline the benchmark compares against).
 */
import type { AnyNode, Element } from 'domhandler';
import { isElement, parseFragment } from './dom-query.js';
import { buildIdIndex, elementEnd, openElementAt, startTagAttributes, type ElementSpan } from './markup-scan.js';
import type { PageSource } from './page-source.js';

/** Largest region ever parsed, bytes: a bound on work for hostile or broken input. */
const MAX_REGION_BYTES = 400_000;
/** Largest element {@link Region.locate} returns, bytes. */
const MAX_LOCATED_BYTES = 64_000;

/** An element of the page, found by its id. */
export interface Region {
  readonly id: string;
  /** The element with its subtree (parsed on first use); null when it cannot be parsed. */
  element(): Element | null;
  /** An attribute of the element's own start tag (cheap: no subtree parse). */
  attr(name: string): string | undefined;
  /** True when `other` lies inside this element. */
  contains(other: Region): boolean;
  /**
   * The innermost element of one of `tags` that encloses the first link (href) containing `needle`
   * inside this region; lets a large region (a details table) be read one row at a time.
   */
  locate(needle: string, tags: readonly string[]): Element | null;
}

/** A page as the extraction code reads it. */
export interface PageView {
  readonly source: PageSource;
  /** The page has an element with this id. */
  has(id: string): boolean;
  /** The first element with this id in document order. */
  first(id: string): Region | null;
  /** Every element with this id, in document order (Amazon repeats ids). */
  all(id: string): Region[];
  /** Ids that contain `fragment` (e.g. "AccordionRow"). */
  idsContaining(fragment: string): string[];
}

/** Elements with `id` inside `container`. */
export function regionsInside(view: PageView, container: Region, id: string): Region[] {
  return view.all(id).filter((r) => container.contains(r));
}

/** The first element with any of `ids`, tried in order. */
export function firstOf(view: PageView, ids: readonly string[]): Region | null {
  for (const id of ids) {
    const r = view.first(id);
    if (r) return r;
  }
  return null;
}

class SpanRegion implements Region {
  private end = -1;
  private parsed: Element | null | undefined;
  private attrs: Map<string, string> | undefined;

  constructor(
    private readonly source: PageSource,
    readonly id: string,
    readonly span: ElementSpan,
  ) {}

  get endOffset(): number {
    if (this.end < 0) this.end = elementEnd(this.source.text, this.span, MAX_REGION_BYTES);
    return this.end;
  }

  element(): Element | null {
    if (this.parsed === undefined) this.parsed = parseFragment(this.source.decode(this.span.start, this.endOffset));
    return this.parsed;
  }

  attr(name: string): string | undefined {
    this.attrs ??= startTagAttributes(this.source.decode(this.span.start, this.span.openEnd));
    return this.attrs.get(name);
  }

  contains(other: Region): boolean {
    if (!(other instanceof SpanRegion)) return false;
    return other.span.start > this.span.start && other.span.start < this.endOffset;
  }

  locate(needle: string, tags: readonly string[]): Element | null {
    const text = this.source.text;
    const pos = text.indexOf(needle, this.span.openEnd);
    if (pos < 0 || pos >= this.endOffset) return null;
    let best: { span: ElementSpan; end: number } | null = null;
    // Tags are tried in order of preference: the first that encloses the link (and is not huge) wins.
    for (const tag of tags) {
      let from = pos;
      // Walk back over same-name elements that closed before `pos` (siblings), a few at most.
      for (let tries = 0; tries < 8 && !best; tries++) {
        const lt = text.lastIndexOf(`<${tag}`, from);
        if (lt < this.span.start) break;
        const span = openElementAt(text, lt + 1 + tag.length);
        if (span && span.tagName === tag) {
          const end = elementEnd(text, span, MAX_REGION_BYTES);
          if (end > pos && end - span.start <= MAX_LOCATED_BYTES) best = { span, end };
          if (end > pos) break;
        }
        from = lt - 1;
      }
      if (best) break;
    }
    if (!best) return null;
    return parseFragment(this.source.decode(best.span.start, best.end));
  }
}

/** The fast view: one regex pass indexes every id; regions are cut out and parsed only when read. */
export class RegionPageView implements PageView {
  private readonly index: Map<string, number | number[]>;
  private readonly resolved = new Map<string, SpanRegion[]>();

  constructor(readonly source: PageSource) {
    this.index = buildIdIndex(source.text);
  }

  has(id: string): boolean {
    return this.all(id).length > 0;
  }

  first(id: string): Region | null {
    return this.all(id)[0] ?? null;
  }

  all(id: string): Region[] {
    let list = this.resolved.get(id);
    if (!list) {
      list = [];
      const found = this.index.get(id);
      const offsets = found === undefined ? [] : typeof found === 'number' ? [found] : found;
      for (const offset of offsets) {
        const span = openElementAt(this.source.text, offset);
        if (span) list.push(new SpanRegion(this.source, id, span));
      }
      this.resolved.set(id, list);
    }
    return list;
  }

  idsContaining(fragment: string): string[] {
    const out: string[] = [];
    for (const id of this.index.keys()) if (id.includes(fragment)) out.push(id);
    return out;
  }
}

class DomRegion implements Region {
  constructor(
    readonly id: string,
    private readonly el: Element,
  ) {}

  element(): Element {
    return this.el;
  }

  attr(name: string): string | undefined {
    return this.el.attribs[name];
  }

  locate(needle: string, tags: readonly string[]): Element | null {
    const stack: AnyNode[] = [this.el];
    while (stack.length > 0) {
      const node = stack.pop() as AnyNode;
      if (!isElement(node)) continue;
      if ((node.attribs['href'] ?? '').includes(needle)) {
        // Same preference as the region view: the first tag of `tags` that encloses the link.
        for (const tag of tags) {
          let up: AnyNode | null = node.parent;
          while (up && up !== this.el.parent) {
            if (isElement(up) && up.name === tag) return up;
            up = up.parent;
          }
        }
        return null;
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
    }
    return null;
  }

  contains(other: Region): boolean {
    const target = other.element();
    let node: AnyNode | null = target ? target.parent : null;
    while (node) {
      if (node === this.el) return true;
      node = node.parent;
    }
    return false;
  }
}

/** A view over a DOM of the whole page (cheerio's or htmlparser2's), for the baseline measurements. */
export class DomPageView implements PageView {
  private readonly ids = new Map<string, DomRegion[]>();

  constructor(
    readonly source: PageSource,
    root: AnyNode,
  ) {
    const stack: AnyNode[] = [root];
    const order: Element[] = [];
    while (stack.length > 0) {
      const node = stack.pop() as AnyNode;
      if (isElement(node)) order.push(node);
      if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
    }
    for (const el of order) {
      const id = el.attribs['id'];
      if (!id) continue;
      const list = this.ids.get(id);
      const region = new DomRegion(id, el);
      if (list) list.push(region);
      else this.ids.set(id, [region]);
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  first(id: string): Region | null {
    return this.ids.get(id)?.[0] ?? null;
  }

  all(id: string): Region[] {
    return this.ids.get(id) ?? [];
  }

  idsContaining(fragment: string): string[] {
    return [...this.ids.keys()].filter((id) => id.includes(fragment));
  }
}
