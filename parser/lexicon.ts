/**
 * The few words the parser has to recognise, in the storefronts' languages. Structure (ids,
 * classes, link parameters) is always preferred; these are the fallbacks where Amazon's markup says
 * nothing language-independent. Every entry is lower case; matching is on lower-cased text.
 */
import type { Condition } from '../contracts/index.js';

/** "Currently unavailable" and its translations: the page says the item cannot be ordered. */
export const OUT_OF_STOCK_PHRASES: readonly string[] = [
  'currently unavailable',
  'currently not available',
  'out of stock',
  'derzeit nicht verfügbar',
  'nicht verfügbar',
  'actualmente no disponible',
  'no disponible',
  'actuellement indisponible',
  'indisponible',
  'attualmente non disponibile',
  'non disponibile',
  '現在在庫切れです',
  '在庫切れ',
  'şu anda mevcut değil',
  'stokta yok',
  'momenteel niet verkrijgbaar',
  'niet beschikbaar',
  'obecnie niedostępny',
  'för närvarande inte tillgänglig',
  'não disponível',
  'indisponível',
  'غير متوفر',
];

/** Phrases that look like "out of stock" but mean the item can still be ordered (back-order). */
export const BACK_ORDER_PHRASES: readonly string[] = [
  'temporarily out of stock',
  'vorübergehend nicht auf lager',
  'temporalmente sin stock',
  'temporairement en rupture de stock',
  'temporaneamente non disponibile',
  '一時的に在庫切れ',
  'geçici olarak stokta yok',
];

/** Condition words of offer summaries and offer headings. */
export const CONDITION_WORDS: Readonly<Record<Condition, readonly string[]>> = {
  refurbished: [
    'renewed',
    'refurbished',
    'reacondicionado',
    'reacondicionados',
    'generalüberholt',
    'reconditionné',
    'reconditionnés',
    'ricondizionato',
    'ricondizionati',
    'yenilenmiş',
    '整備済み',
    '再生品',
    'gereviseerd',
    'odnowiony',
    'recondicionado',
  ],
  collectible: ['collectible', 'sammlerstück', 'coleccionable', 'de collection', 'da collezione', 'コレクター', 'koleksiyon', 'verzamelobject', 'kolekcjonerski', 'colecionável'],
  used: [
    'used',
    'gebraucht',
    'usado',
    'usados',
    "d'occasion",
    'd’occasion',
    'occasion',
    'usato',
    'usati',
    'ikinci el',
    'kullanılmış',
    '中古',
    'tweedehands',
    'gebruikt',
    'używany',
    'begagnad',
  ],
  new: ['new', 'neu', 'nuevo', 'nuevos', 'neuf', 'neufs', 'nuovo', 'nuovi', 'yeni', '新品', 'nieuw', 'nowy', 'nowe', 'ny', 'nya', 'novo', 'novos'],
};

/** Labels of the "Sold by" row in the tabular buy box and the offer-display features. */
export const SOLD_BY_LABELS: readonly string[] = [
  'sold by',
  'vendido por',
  'verkauf durch',
  'verkäufer',
  'vendu par',
  'venduto da',
  '販売元',
  '販売者',
  'satıcı',
  'verkocht door',
  'sprzedawca',
  'säljs av',
  'sold by:',
];

/** Suffixes Amazon appends to a renewed listing's title. */
export const RENEWED_TITLE_MARKERS: readonly string[] = [
  '(renewed)',
  '(renewed premium)',
  '(refurbished)',
  '(certified refurbished)',
  '(reacondicionado)',
  '(generalüberholt)',
  '(reconditionné)',
  '(ricondizionato)',
  '(yenilenmiş)',
  '(整備済み品)',
  '(gereviseerd)',
  '(odnowiony)',
  '(recondicionado)',
];

/** Words that precede a brand in a byline: "Visit the X Store", "Brand: X", "by X". */
export const BYLINE_PATTERNS: readonly RegExp[] = [
  /^visit the (.+?) store$/i,
  /^visita la (?:store|tienda) de (.+)$/i,
  /^visita lo store di (.+)$/i,
  /^besuche den (.+?)[- ]store$/i,
  /^visiter la boutique (.+)$/i,
  /^visitez la boutique (.+)$/i,
  /^(.+?)のストアを表示$/,
  /^(.+?) mağazasını ziyaret edin$/i,
  /^bezoek de (.+?)[- ]winkel$/i,
  /^odwiedź sklep (.+)$/i,
  /^besök (.+?)[- ]butiken$/i,
  /^visite a loja (.+)$/i,
  /^(?:brand|marca|marke|marque|ブランド|marka|merk)\s*[:：]\s*(.+)$/i,
  /^(?:by|von|de|di|par|door|av|przez|por)\s+(.+)$/i,
];

/** Which condition a phrase names, or null when it names none or several. */
export function conditionIn(text: string): Condition | 'mixed' | null {
  const lower = text.toLowerCase();
  const found = new Set<Condition>();
  for (const [condition, words] of Object.entries(CONDITION_WORDS) as [Condition, readonly string[]][]) {
    if (words.some((w) => containsWord(lower, w))) found.add(condition);
  }
  // "Renewed" beats "new" (renewed contains new only as a substring; word matching already helps).
  if (found.size === 0) return null;
  if (found.size === 1) return [...found][0] as Condition;
  return 'mixed';
}

/** `word` occurs in `text` with non-letters (or the ends) around it; CJK words match anywhere. */
export function containsWord(text: string, word: string): boolean {
  if (/[\u3000-\u9fff]/.test(word)) return text.includes(word);
  let from = 0;
  for (;;) {
    const i = text.indexOf(word, from);
    if (i < 0) return false;
    const before = i === 0 ? '' : (text[i - 1] as string);
    const after = text[i + word.length] ?? '';
    if (!/\p{L}/u.test(before) && !/\p{L}/u.test(after)) return true;
    from = i + 1;
  }
}

/** True when `text` contains any of `phrases` (lower-cased). */
export function includesAny(text: string, phrases: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return phrases.some((p) => lower.includes(p));
}
