/**
 * Turns query parameters as they travel over ClickHouse's HTTP interface (`param_<name>=<text>`) back
 * into the JavaScript values the embedded engine's binder takes. The text form depends on the
 * placeholder's declared type (`{name:Type}` in the SQL): scalars travel TSV-escaped, composites
 * (Array, Tuple, Map) as literals with quoted elements. The binder re-encodes the value, and the engine
 * parses it exactly as a server would have parsed the original text.
 */

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g;

/** Declared types of the placeholders in `sql`, by name. */
export function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of sql.matchAll(PLACEHOLDER)) {
    const [, name, type] = match;
    if (name && type && !types.has(name)) types.set(name, type);
  }
  return types;
}

/** Converts `param_*` texts to binder values, using the types declared in `sql`. */
export function decodeHttpParams(sql: string, params: ReadonlyMap<string, string>): Record<string, unknown> {
  const types = placeholderTypes(sql);
  const out: Record<string, unknown> = {};
  for (const [name, text] of params) out[name] = decodeParam(text, types.get(name) ?? 'String');
  return out;
}

/** One parameter: `text` as sent over HTTP for a placeholder of `type`. */
export function decodeParam(text: string, type: string): unknown {
  const base = stripWrappers(type);
  if (/^(Array|Tuple|Map|Nested)\s*\(/.test(base)) {
    const parser = new LiteralParser(text);
    const value = parser.value();
    parser.end();
    return value;
  }
  if (text === '\\N') return null;
  return unescapeTsv(text);
}

function stripWrappers(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(Nullable|LowCardinality)\s*\((.*)\)$/s.exec(t);
    if (!m?.[2]) return t;
    t = m[2].trim();
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', v: '\v' };

/** Undoes ClickHouse "Escaped" (TSV) escaping. */
export function unescapeTsv(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i] as string;
    out += ESCAPES[next] ?? next;
  }
  return out;
}

/** A small parser for the literal forms @clickhouse/client sends: [..], (..), {k:v}, '..', numbers, NULL, TRUE/FALSE. */
class LiteralParser {
  #i = 0;
  constructor(readonly text: string) {}

  value(): unknown {
    this.#skip();
    const c = this.text[this.#i];
    if (c === '[') return this.#sequence('[', ']');
    if (c === '(') return new TupleLiteral(this.#sequence('(', ')'));
    if (c === '{') return this.#map();
    if (c === "'") return this.#string();
    return this.#bare();
  }

  end(): void {
    this.#skip();
    if (this.#i !== this.text.length) throw new Error(`unexpected text in parameter at ${this.#i}: ${this.text.slice(this.#i, this.#i + 20)}`);
  }

  #skip(): void {
    while (this.#i < this.text.length && /\s/.test(this.text[this.#i] as string)) this.#i++;
  }

  #expect(c: string): void {
    this.#skip();
    if (this.text[this.#i] !== c) throw new Error(`expected ${c} in parameter at ${this.#i}`);
    this.#i++;
  }

  #sequence(open: string, close: string): unknown[] {
    this.#expect(open);
    const items: unknown[] = [];
    this.#skip();
    if (this.text[this.#i] === close) {
      this.#i++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.#skip();
      const c = this.text[this.#i++];
      if (c === close) return items;
      if (c !== ',') throw new Error(`expected , or ${close} in parameter at ${this.#i - 1}`);
    }
  }

  #map(): Map<unknown, unknown> {
    this.#expect('{');
    const map = new Map<unknown, unknown>();
    this.#skip();
    if (this.text[this.#i] === '}') {
      this.#i++;
      return map;
    }
    for (;;) {
      const key = this.value();
      this.#expect(':');
      map.set(key, this.value());
      this.#skip();
      const c = this.text[this.#i++];
      if (c === '}') return map;
      if (c !== ',') throw new Error(`expected , or } in parameter at ${this.#i - 1}`);
    }
  }

  #string(): string {
    this.#i++;
    let out = '';
    while (this.#i < this.text.length) {
      const c = this.text[this.#i++] as string;
      if (c === "'") return out;
      if (c === '\\' && this.#i < this.text.length) {
        const next = this.text[this.#i++] as string;
        out += ESCAPES[next] ?? next;
      } else out += c;
    }
    throw new Error('unterminated string in parameter');
  }

  #bare(): unknown {
    const start = this.#i;
    while (this.#i < this.text.length && !/[,\]\)\}:\s]/.test(this.text[this.#i] as string)) this.#i++;
    const word = this.text.slice(start, this.#i);
    if (/^null$/i.test(word) || word === '\\N') return null;
    if (/^true$/i.test(word)) return true;
    if (/^false$/i.test(word)) return false;
    if (/^-?\d+$/.test(word)) {
      const n = Number(word);
      return Number.isSafeInteger(n) ? n : BigInt(word);
    }
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(word)) return Number(word);
    if (/^[-+]?inf$/i.test(word)) return word.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(word)) return NaN;
    throw new Error(`unreadable value in parameter: ${word.slice(0, 40)}`);
  }
}

/**
 * A tuple value: the binder recognises tuples by this shape (a class named TupleParam holding
 * `values`), the same shape @clickhouse/client's own TupleParam has.
 */
class TupleLiteral {
  constructor(readonly values: unknown[]) {}
}
Object.defineProperty(TupleLiteral, 'name', { value: 'TupleParam' });
