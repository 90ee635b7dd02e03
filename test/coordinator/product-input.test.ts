import { describe, expect, it } from 'vitest';
import { readProductInput } from '../../coordinator/index.js';

describe('reading product references', () => {
  it('reads ASINs and every Amazon URL shape, lets a URL name its storefront, and reports bad lines by number', () => {
    const text = [
      'B000000001',
      '  b000000002  ',
      '# a comment',
      '',
      'https://www.amazon.de/Some-Long-Slug/dp/B000000003/ref=sr_1_1?keywords=x&qid=1',
      'https://www.amazon.com/gp/product/B000000004?psc=1',
      'https://www.amazon.co.uk/gp/aw/d/B000000005/ref=ox_sc_act_image_1?smid=A1',
      'amazon.co.jp/dp/B000000006',
      'https://www.example.com/dp/B000000007',
      'B00000001',
      'https://www.amazon.com/gp/product/B000000004',
      'https://www.amazon.com/s?k=headphones',
    ].join('\n');
    const input = readProductInput({ file: { name: 'list.txt', text }, args: ['B000000008'], marketplace: 'fr' });
    expect(Object.fromEntries(input.byMarketplace)).toEqual({
      fr: ['B000000008', 'B000000001', 'B000000002'],
      de: ['B000000003'],
      us: ['B000000004'],
      uk: ['B000000005'],
      jp: ['B000000006'],
    });
    expect(input.duplicates).toBe(1);
    expect(input.read).toBe(11);
    expect(input.problems.map((p) => p.where)).toEqual(['list.txt:9', 'list.txt:10', 'list.txt:12']);
  });
});
