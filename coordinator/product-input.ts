/**
 * Reads product references as a person writes them (ASINs, Amazon URLs of any shape, one per
 * argument or per line of a file), grouped by marketplace. A bad reference is reported with where it
 * was; the rest still count.
 */
import { InvalidProductReferenceError, type MarketplaceCode, parseProductReference } from '../config/index.js';

/** One reference that could not be read. */
export interface ProductInputProblem {
  /** Where it was: `argument 2` or `<file>:<line>`. */
  readonly where: string;
  readonly input: string;
  readonly reason: string;
}

export interface ProductInput {
  /** Distinct ASINs per marketplace, in first-seen order. */
  readonly byMarketplace: ReadonlyMap<MarketplaceCode, readonly string[]>;
  /** References read (good or bad); blank lines and `#` comments are not counted. */
  readonly read: number;
  /** References that named a product already listed. */
  readonly duplicates: number;
  readonly problems: readonly ProductInputProblem[];
}

export interface ReadProductInputOptions {
  /** References given as arguments. */
  args?: readonly string[];
  /** A file's text: one reference per line; blank lines and lines starting with `#` are skipped. */
  file?: { name: string; text: string };
  /** Marketplace of bare ASINs. A URL's own storefront wins over it. */
  marketplace: MarketplaceCode;
}

/** Parses every reference; never throws for a bad one. */
export function readProductInput({ args = [], file, marketplace }: ReadProductInputOptions): ProductInput {
  const byMarketplace = new Map<MarketplaceCode, string[]>();
  const seen = new Set<string>();
  const problems: ProductInputProblem[] = [];
  let read = 0;
  let duplicates = 0;
  const take = (input: string, where: string): void => {
    read++;
    try {
      const ref = parseProductReference(input);
      const m = ref.marketplace ?? marketplace;
      const key = `${m}:${ref.asin}`;
      if (seen.has(key)) {
        duplicates++;
        return;
      }
      seen.add(key);
      let list = byMarketplace.get(m);
      if (!list) byMarketplace.set(m, (list = []));
      list.push(ref.asin);
    } catch (err) {
      if (!(err instanceof InvalidProductReferenceError)) throw err;
      problems.push({ where, input: input.length > 200 ? `${input.slice(0, 200)}…` : input, reason: err.message });
    }
  };
  args.forEach((a, i) => take(a, `argument ${i + 1}`));
  if (file) {
    const lines = file.text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      take(text, `${file.name}:${i + 1}`);
    });
  }
  return { byMarketplace, read, duplicates, problems };
}
