/**
 * A whole product page: the precomputed noise of its (storefront, layout) with the product's own
 * regions rendered in between, where real pages put them (head, columns at roughly 15–45 % of the
 * page, details past the middle).
 */
import { FILLER_MAX, type PageNoise } from './page-noise.js';
import { detailsBlock, headFragment } from './page-common.js';
import type { ProductPageModel } from './page-model.js';
import { renderNewProduct } from './product-page-new.js';
import { renderOldProduct } from './product-page-old.js';
import { hash32 } from './random.js';
import type { Segment } from './response-body.js';

/** The segments of the product page for `model`, in order. */
export function productPageSegments(model: ProductPageModel, noise: PageNoise): Segment[] {
  const p = model.product;
  const fillerCount = hash32(p.marketplace, p.asin, 'size') % (FILLER_MAX + 1);
  const fillers: Segment[] = [];
  for (let i = 0; i < fillerCount; i++) fillers.push(noise.fillers[i % noise.fillers.length]!);
  const head = headFragment(model);
  // The details close `#dp-container` and `#dp`, opened by the top region.
  const details = `${detailsBlock(model, p.layout)}</div>\n</div>\n`;
  if (p.layout === 'old') {
    const f = renderOldProduct(model);
    return [noise.head0, head, noise.head1, f.top + f.center, noise.mid1, f.right, noise.mid2, details, ...fillers, noise.tail];
  }
  const f = renderNewProduct(model);
  return [noise.head0, head, noise.head1, f.top + f.right, noise.mid1, f.center, noise.mid2, details, ...fillers, noise.tail];
}
