/**
 * Bound list parameters travel in the request URL (`param_ids=[…]`): an HTTP server caps its size
 * (Node's 16 KB header limit on the embedded engine's bridge, `http_max_uri_size` on a server). The
 * alerts part's lookups by many ids therefore go in chunks.
 */

/** Ids per query: ~45 URL-encoded bytes per UUID keeps a chunk near 7 KB. */
export const IDS_PER_QUERY = 150;

/** Runs `query` over `items` in chunks of `size` and concatenates the results. */
export async function inChunks<T, R>(items: readonly T[], size: number, query: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const unique = [...new Set(items)];
  const out: R[] = [];
  for (let i = 0; i < unique.length; i += size) out.push(...(await query(unique.slice(i, i + size))));
  return out;
}
