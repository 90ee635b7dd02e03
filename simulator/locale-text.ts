/**
 * The words each storefront's pages use around the data: availability sentences, price labels,
 * seller lines, condition names, categories. Storefronts without their own pack here use English
 * (the data regions keep their shape; only the words differ on the real site).
 */
import type { MarketplaceCode } from '../config/index.js';

/** Used-item grades, best first. */
export type UsedGrade = 'like_new' | 'very_good' | 'good' | 'acceptable';
export const USED_GRADES: readonly UsedGrade[] = ['like_new', 'very_good', 'good', 'acceptable'];

/** Product kinds the catalogue generates. */
export type ProductKind = 'electronics' | 'home' | 'book' | 'renewed' | 'fashion';

/** What a storefront's pages say, in its language. */
export interface TextPack {
  /** `lang` attribute of `<html>`. */
  readonly htmlLang: string;
  readonly inStock: string;
  onlyLeft(n: number): string;
  readonly unavailable: string;
  readonly unavailableMore: string;
  readonly availableFromSellers: string;
  readonly priceLabel: string;
  readonly dealLabel: string;
  readonly saleLabel: string;
  /** The struck list price's label. */
  readonly listPriceLabel: string;
  youSave(amount: string, pct: number): string;
  readonly shipsFrom: string;
  readonly soldBy: string;
  /** Old layout `#merchant-info` when Amazon ships and sells. */
  merchantAmazon(amazon: string): string;
  /** Old layout `#merchant-info` for a third party fulfilled by Amazon. */
  merchantFba(seller: string): string;
  /** Old layout `#merchant-info` for a third party shipping itself. */
  merchantFbm(seller: string): string;
  readonly buyNew: string;
  readonly buyUsed: string;
  saveWithUsed(condition: string): string;
  readonly conditionNew: string;
  readonly usedGrades: Readonly<Record<UsedGrade, string>>;
  readonly renewed: string;
  readonly collectible: string;
  visitStore(brand: string): string;
  byAuthor(author: string): string;
  readonly authorRole: string;
  readonly backToResults: string;
  readonly addToCart: string;
  readonly buyNow: string;
  newFrom(n: number, price: string): string;
  usedFrom(n: number, price: string): string;
  readonly freeDelivery: string;
  deliveryCost(price: string): string;
  couponAmount(price: string): string;
  couponPercent(pct: number): string;
  readonly subscribeSave: string;
  readonly oneTime: string;
  readonly perCount: string;
  monthly(price: string, months: number): string;
  readonly bestSellersRank: string;
  readonly brandLabel: string;
  readonly amazonName: string;
  readonly warehouseName: string;
  readonly storeTitleSuffix: string;
  readonly categories: Readonly<Record<ProductKind, readonly (readonly string[])[]>>;
  readonly renewedSuffix: string;
  readonly protectionPlan: string;
  readonly allOffers: string;
}

const EN_CATEGORIES: TextPack['categories'] = {
  electronics: [
    ['Electronics', 'Headphones, Earbuds & Accessories', 'Headphones & Earbuds', 'Over-Ear Headphones'],
    ['Electronics', 'Computers & Accessories', 'Computer Accessories & Peripherals', 'Keyboards, Mice & Accessories'],
    ['Industrial & Scientific', 'Test, Measure & Inspect', 'Electrical Testing', 'Relay Modules'],
    ['Electronics', 'Camera & Photo', 'Digital Cameras'],
  ],
  home: [
    ['Home & Kitchen', 'Kitchen & Dining', 'Small Appliances', 'Rice Cookers'],
    ['Tools & Home Improvement', 'Lighting & Ceiling Fans', 'Wall Lights', 'Wall Lamps & Sconces'],
    ['Home & Kitchen', 'Bedding', 'Sheets & Pillowcases'],
  ],
  book: [
    ['Books', 'Cookbooks, Food & Wine', 'Quick & Easy'],
    ['Books', 'Mystery, Thriller & Suspense', 'Thrillers & Suspense'],
    ['Books', 'Computers & Technology', 'Programming'],
  ],
  renewed: [['Electronics', 'Cell Phones & Accessories', 'Cell Phones']],
  fashion: [
    ['Clothing, Shoes & Jewelry', 'Women', 'Clothing', 'Tops, Tees & Blouses'],
    ['Clothing, Shoes & Jewelry', 'Men', 'Shoes', 'Oxfords'],
  ],
};

const EN_GRADES = { like_new: 'Used - Like New', very_good: 'Used - Very Good', good: 'Used - Good', acceptable: 'Used - Acceptable' };

const EN_US: TextPack = {
  htmlLang: 'en-us',
  inStock: 'In Stock',
  onlyLeft: (n) => `Only ${n} left in stock - order soon.`,
  unavailable: 'Currently unavailable.',
  unavailableMore: "We don't know when or if this item will be back in stock.",
  availableFromSellers: 'Available from these sellers.',
  priceLabel: 'Price:',
  dealLabel: 'Deal Price:',
  saleLabel: 'Sale:',
  listPriceLabel: 'List Price:',
  youSave: (amount, pct) => `You Save: ${amount} (${pct}%)`,
  shipsFrom: 'Ships from',
  soldBy: 'Sold by',
  merchantAmazon: (a) => `Ships from and sold by ${a}.`,
  merchantFba: (s) => `Sold by ${s} and Fulfilled by Amazon.`,
  merchantFbm: (s) => `Ships from and sold by ${s}.`,
  buyNew: 'Buy new:',
  buyUsed: 'Buy used:',
  saveWithUsed: (c) => `Save with ${c}`,
  conditionNew: 'New',
  usedGrades: EN_GRADES,
  renewed: 'Renewed',
  collectible: 'Collectible - Very Good',
  visitStore: (b) => `Visit the ${b} Store`,
  byAuthor: (a) => `by ${a}`,
  authorRole: '(Author)',
  backToResults: 'Back to results',
  addToCart: 'Add to Cart',
  buyNow: 'Buy Now',
  newFrom: (n, p) => `${n}&nbsp;new from&nbsp;${p}`,
  usedFrom: (n, p) => `${n}&nbsp;used from&nbsp;${p}`,
  freeDelivery: 'FREE delivery',
  deliveryCost: (p) => `${p} delivery`,
  couponAmount: (p) => `Apply ${p} coupon`,
  couponPercent: (pct) => `Save ${pct}% with coupon`,
  subscribeSave: 'Subscribe &amp; Save:',
  oneTime: 'One-time purchase:',
  perCount: '/ Count',
  monthly: (p, m) => `or ${p}/mo (${m} mo). Select from 1 plan`,
  bestSellersRank: 'Best Sellers Rank',
  brandLabel: 'Brand',
  amazonName: 'Amazon.com',
  warehouseName: 'Amazon Resale',
  storeTitleSuffix: 'Amazon.com',
  categories: EN_CATEGORIES,
  renewedSuffix: '(Renewed)',
  protectionPlan: 'Add a Protection Plan:',
  allOffers: 'See All Buying Options',
};

const EN_GB: TextPack = {
  ...EN_US,
  htmlLang: 'en-gb',
  merchantAmazon: (a) => `Dispatched from and sold by ${a}.`,
  merchantFbm: (s) => `Dispatched from and sold by ${s}.`,
  shipsFrom: 'Dispatches from',
  listPriceLabel: 'RRP:',
  addToCart: 'Add to Basket',
  amazonName: 'Amazon',
  warehouseName: 'Amazon Warehouse',
  storeTitleSuffix: 'Amazon.co.uk',
  categories: {
    ...EN_CATEGORIES,
    book: [
      ['Books', 'Food & Drink', 'Quick & Easy Meals'],
      ['Books', 'Crime, Thrillers & Mystery', 'Thrillers'],
    ],
  },
};

const DE: TextPack = {
  htmlLang: 'de-de',
  inStock: 'Auf Lager',
  onlyLeft: (n) => `Nur noch ${n} auf Lager (mehr ist unterwegs).`,
  unavailable: 'Derzeit nicht verfügbar.',
  unavailableMore: 'Ob und wann dieser Artikel wieder vorrätig sein wird, ist unbekannt.',
  availableFromSellers: 'Erhältlich bei diesen Anbietern.',
  priceLabel: 'Preis:',
  dealLabel: 'Angebotspreis:',
  saleLabel: 'Preis:',
  listPriceLabel: 'Unverb. Preisempf.:',
  youSave: (amount, pct) => `Sie sparen: ${amount} (${pct}%)`,
  shipsFrom: 'Versender',
  soldBy: 'Verkäufer',
  merchantAmazon: () => 'Verkauf und Versand durch Amazon.',
  merchantFba: (s) => `Verkauf durch ${s} und Versand durch Amazon.`,
  merchantFbm: (s) => `Verkauf und Versand durch ${s}.`,
  buyNew: 'Neu kaufen:',
  buyUsed: 'Gebraucht kaufen:',
  saveWithUsed: (c) => `Sparen Sie mit ${c}`,
  conditionNew: 'Neu',
  usedGrades: { like_new: 'Gebraucht - Wie neu', very_good: 'Gebraucht - Sehr gut', good: 'Gebraucht - Gut', acceptable: 'Gebraucht - Akzeptabel' },
  renewed: 'Generalüberholt',
  collectible: 'Sammlerstück - Sehr gut',
  visitStore: (b) => `Besuche den ${b}-Store`,
  byAuthor: (a) => `von ${a}`,
  authorRole: '(Autor)',
  backToResults: 'Zurück zu den Suchergebnissen',
  addToCart: 'In den Einkaufswagen',
  buyNow: 'Jetzt kaufen',
  newFrom: (n, p) => `${n}&nbsp;neu ab&nbsp;${p}`,
  usedFrom: (n, p) => `${n}&nbsp;gebraucht ab&nbsp;${p}`,
  freeDelivery: 'KOSTENFREIE Lieferung',
  deliveryCost: (p) => `${p} Lieferung`,
  couponAmount: (p) => `${p} Coupon anwenden`,
  couponPercent: (pct) => `Sparen Sie ${pct}% mit Coupon`,
  subscribeSave: 'Spar-Abo:',
  oneTime: 'Einmalige Lieferung:',
  perCount: '/ Stück',
  monthly: (p, m) => `oder ${p}/Monat (${m} Monate)`,
  bestSellersRank: 'Amazon Bestseller-Rang',
  brandLabel: 'Marke',
  amazonName: 'Amazon',
  warehouseName: 'Amazon Warehouse',
  storeTitleSuffix: 'Amazon.de',
  categories: {
    electronics: [
      ['Elektronik & Foto', 'Kopfhörer', 'Over-Ear-Kopfhörer'],
      ['Computer & Zubehör', 'Tastaturen, Mäuse & Eingabegeräte', 'Mäuse'],
    ],
    home: [['Küche, Haushalt & Wohnen', 'Küchengeräte', 'Reiskocher']],
    book: [['Bücher', 'Kochen & Genießen', 'Schnelle Küche']],
    renewed: [['Elektronik & Foto', 'Handys & Zubehör', 'Handys & Smartphones']],
    fashion: [['Fashion', 'Damen', 'Bekleidung', 'Tops, T-Shirts & Blusen']],
  },
  renewedSuffix: '(Generalüberholt)',
  protectionPlan: 'Schutzplan hinzufügen:',
  allOffers: 'Alle Angebote anzeigen',
};

const FR: TextPack = {
  htmlLang: 'fr-fr',
  inStock: 'En stock',
  onlyLeft: (n) => `Il ne reste plus que ${n} exemplaire(s) en stock.`,
  unavailable: 'Actuellement indisponible.',
  unavailableMore: 'Nous ne savons pas quand cet article sera de nouveau approvisionné ni s’il le sera.',
  availableFromSellers: 'Voir les offres de ces vendeurs.',
  priceLabel: 'Prix :',
  dealLabel: 'Prix de l’offre :',
  saleLabel: 'Prix :',
  listPriceLabel: 'Prix conseillé :',
  youSave: (amount, pct) => `Économisez : ${amount} (${pct} %)`,
  shipsFrom: 'Expéditeur',
  soldBy: 'Vendeur',
  merchantAmazon: () => 'Expédié et vendu par Amazon.',
  merchantFba: (s) => `Vendu par ${s} et expédié par Amazon.`,
  merchantFbm: (s) => `Expédié et vendu par ${s}.`,
  buyNew: 'Acheter neuf :',
  buyUsed: 'Acheter d’occasion :',
  saveWithUsed: (c) => `Économisez avec ${c}`,
  conditionNew: 'Neuf',
  usedGrades: { like_new: "D'occasion - Comme neuf", very_good: "D'occasion - Très bon", good: "D'occasion - Bon", acceptable: "D'occasion - Acceptable" },
  renewed: 'Reconditionné',
  collectible: 'De collection - Très bon',
  visitStore: (b) => `Visiter la boutique ${b}`,
  byAuthor: (a) => `de ${a}`,
  authorRole: '(Auteur)',
  backToResults: 'Retour aux résultats',
  addToCart: 'Ajouter au panier',
  buyNow: 'Acheter cet article',
  newFrom: (n, p) => `${n}&nbsp;neufs à partir de&nbsp;${p}`,
  usedFrom: (n, p) => `${n}&nbsp;d'occasion à partir de&nbsp;${p}`,
  freeDelivery: 'Livraison GRATUITE',
  deliveryCost: (p) => `Livraison à ${p}`,
  couponAmount: (p) => `Appliquer le coupon de ${p}`,
  couponPercent: (pct) => `Économisez ${pct} % avec un coupon`,
  subscribeSave: 'Prévoyez et Économisez :',
  oneTime: 'Achat unique :',
  perCount: '/ unité',
  monthly: (p, m) => `ou ${p}/mois (${m} mois)`,
  bestSellersRank: 'Classement des meilleures ventes d’Amazon',
  brandLabel: 'Marque',
  amazonName: 'Amazon',
  warehouseName: 'Amazon Seconde main',
  storeTitleSuffix: 'Amazon.fr',
  categories: {
    electronics: [['High-Tech', 'Casques et écouteurs', 'Casques']],
    home: [['Cuisine et Maison', 'Petit électroménager', 'Cuiseurs à riz']],
    book: [['Livres', 'Informatique et Internet', 'Programmation']],
    renewed: [['High-Tech', 'Téléphones portables et accessoires', 'Smartphones et téléphones portables débloqués']],
    fashion: [['Mode', 'Femme', 'Vêtements', 'Tops, t-shirts et chemisiers']],
  },
  renewedSuffix: '(Reconditionné)',
  protectionPlan: 'Ajouter une protection :',
  allOffers: 'Voir toutes les options d’achat',
};

const IT: TextPack = {
  ...EN_US,
  htmlLang: 'it-it',
  inStock: 'Disponibilità immediata',
  onlyLeft: (n) => `Solo ${n} --  ordina subito (altri in arrivo).`,
  unavailable: 'Attualmente non disponibile.',
  unavailableMore: 'Non sappiamo se e quando questo articolo sarà di nuovo disponibile.',
  availableFromSellers: 'Disponibile presso questi venditori.',
  priceLabel: 'Prezzo:',
  dealLabel: 'Prezzo offerta:',
  saleLabel: 'Prezzo:',
  listPriceLabel: 'Prezzo consigliato:',
  youSave: (amount, pct) => `Risparmi: ${amount} (${pct}%)`,
  shipsFrom: 'Spedizione',
  soldBy: 'Venditore',
  merchantAmazon: () => 'Venduto e spedito da Amazon.',
  merchantFba: (s) => `Venduto da ${s} e spedito da Amazon.`,
  merchantFbm: (s) => `Venduto e spedito da ${s}.`,
  buyNew: 'Compra nuovo:',
  buyUsed: 'Compra usato:',
  saveWithUsed: (c) => `Risparmia con ${c}`,
  conditionNew: 'Nuovo',
  usedGrades: { like_new: 'Usato - Come nuovo', very_good: 'Usato - Ottime condizioni', good: 'Usato - Buone condizioni', acceptable: 'Usato - Condizioni accettabili' },
  renewed: 'Ricondizionato',
  collectible: 'Da collezione - Ottime condizioni',
  visitStore: (b) => `Visita lo Store di ${b}`,
  byAuthor: (a) => `di ${a}`,
  authorRole: '(Autore)',
  backToResults: 'Torna ai risultati',
  addToCart: 'Aggiungi al carrello',
  buyNow: 'Acquista ora',
  newFrom: (n, p) => `${n}&nbsp;nuovo da&nbsp;${p}`,
  usedFrom: (n, p) => `${n}&nbsp;usato da&nbsp;${p}`,
  freeDelivery: 'Consegna GRATUITA',
  deliveryCost: (p) => `Consegna a ${p}`,
  couponAmount: (p) => `Applica coupon da ${p}`,
  couponPercent: (pct) => `Risparmia il ${pct}% con un coupon`,
  subscribeSave: 'Iscriviti e risparmia:',
  oneTime: 'Acquisto singolo:',
  perCount: '/ pezzo',
  monthly: (p, m) => `oppure ${p}/mese (${m} mesi)`,
  bestSellersRank: 'Posizione nella classifica Bestseller di Amazon',
  brandLabel: 'Marca',
  amazonName: 'Amazon',
  warehouseName: 'Amazon Seconda mano',
  storeTitleSuffix: 'Amazon.it',
  categories: {
    electronics: [['Elettronica', 'Cuffie, auricolari e accessori', 'Cuffie']],
    home: [['Casa e cucina', 'Piccoli elettrodomestici', 'Cuociriso']],
    book: [['Libri', 'Informatica, Web e Digital Media', 'Programmazione']],
    renewed: [['Elettronica', 'Cellulari e accessori', 'Smartphone e cellulari']],
    fashion: [['Moda', 'Donna', 'Abbigliamento', 'Top, t-shirt e bluse']],
  },
  renewedSuffix: '(Ricondizionato)',
  protectionPlan: 'Aggiungi un piano di protezione:',
  allOffers: 'Vedi tutte le opzioni di acquisto',
};

const ES: TextPack = {
  ...EN_US,
  htmlLang: 'es-es',
  inStock: 'En stock',
  onlyLeft: (n) => `Solo queda(n) ${n} en stock (hay más unidades en camino).`,
  unavailable: 'No disponible.',
  unavailableMore: 'No sabemos si este producto volverá a estar disponible, ni cuándo.',
  availableFromSellers: 'Disponible a través de estos vendedores.',
  priceLabel: 'Precio:',
  dealLabel: 'Precio de la oferta:',
  saleLabel: 'Precio:',
  listPriceLabel: 'Precio recomendado:',
  youSave: (amount, pct) => `Ahorras: ${amount} (${pct}%)`,
  shipsFrom: 'Envío desde',
  soldBy: 'Vendido por',
  merchantAmazon: () => 'Vendido y enviado por Amazon.',
  merchantFba: (s) => `Vendido por ${s} y enviado por Amazon.`,
  merchantFbm: (s) => `Vendido y enviado por ${s}.`,
  buyNew: 'Comprar nuevo:',
  buyUsed: 'Comprar usado:',
  saveWithUsed: (c) => `Ahorra con ${c}`,
  conditionNew: 'Nuevo',
  usedGrades: { like_new: 'Usado - Como nuevo', very_good: 'Usado - Muy bueno', good: 'Usado - Bueno', acceptable: 'Usado - Aceptable' },
  renewed: 'Reacondicionado',
  collectible: 'Coleccionable - Muy bueno',
  visitStore: (b) => `Visita la tienda de ${b}`,
  byAuthor: (a) => `de ${a}`,
  authorRole: '(Autor)',
  backToResults: 'Volver a los resultados',
  addToCart: 'Añadir a la cesta',
  buyNow: 'Comprar ya',
  newFrom: (n, p) => `${n}&nbsp;nuevo desde&nbsp;${p}`,
  usedFrom: (n, p) => `${n}&nbsp;usado desde&nbsp;${p}`,
  freeDelivery: 'Entrega GRATIS',
  deliveryCost: (p) => `Entrega por ${p}`,
  couponAmount: (p) => `Aplicar cupón de ${p}`,
  couponPercent: (pct) => `Ahorra un ${pct}% con cupón`,
  subscribeSave: 'Suscríbete y ahorra:',
  oneTime: 'Compra única:',
  perCount: '/ unidad',
  monthly: (p, m) => `o ${p}/mes (${m} meses)`,
  bestSellersRank: 'Clasificación en los más vendidos de Amazon',
  brandLabel: 'Marca',
  amazonName: 'Amazon',
  warehouseName: 'Amazon Segunda mano',
  storeTitleSuffix: 'Amazon.es',
  categories: {
    electronics: [['Electrónica', 'Auriculares', 'Auriculares de diadema']],
    home: [['Hogar y cocina', 'Pequeño electrodoméstico', 'Arroceras']],
    book: [['Libros', 'Informática, internet y medios digitales', 'Programación']],
    renewed: [['Electrónica', 'Comunicación móvil y accesorios', 'Móviles y smartphones libres']],
    fashion: [['Moda', 'Mujer', 'Ropa', 'Camisetas, tops y blusas']],
  },
  renewedSuffix: '(Reacondicionado)',
  protectionPlan: 'Añadir un plan de protección:',
  allOffers: 'Ver todas las opciones de compra',
};

const JA: TextPack = {
  ...EN_US,
  htmlLang: 'ja-jp',
  inStock: '在庫あり。',
  onlyLeft: (n) => `残り${n}点 ご注文はお早めに`,
  unavailable: '現在在庫切れです。',
  unavailableMore: 'この商品の再入荷予定は立っておりません。',
  availableFromSellers: 'こちらからもご購入いただけます',
  priceLabel: '価格:',
  dealLabel: 'タイムセール価格:',
  saleLabel: '価格:',
  listPriceLabel: '参考価格:',
  youSave: (amount, pct) => `OFF: ${amount} (${pct}%)`,
  shipsFrom: '出荷元',
  soldBy: '販売元',
  merchantAmazon: () => 'この商品は、Amazon.co.jp が販売、発送します。',
  merchantFba: (s) => `この商品は、${s} が販売し、Amazon.co.jp が発送します。`,
  merchantFbm: (s) => `この商品は、${s} が販売、発送します。`,
  buyNew: '新品を購入:',
  buyUsed: '中古品を購入:',
  saveWithUsed: (c) => `${c}で節約`,
  conditionNew: '新品',
  usedGrades: { like_new: '中古品 - ほぼ新品', very_good: '中古品 - 非常に良い', good: '中古品 - 良い', acceptable: '中古品 - 可' },
  renewed: '整備済み品',
  collectible: 'コレクター商品 - 非常に良い',
  visitStore: (b) => `ブランド: ${b}`,
  byAuthor: (a) => `${a}`,
  authorRole: '(著)',
  backToResults: '検索結果に戻る',
  addToCart: 'カートに入れる',
  buyNow: '今すぐ買う',
  newFrom: (n, p) => `新品の出品：${n}&nbsp;${p}より`,
  usedFrom: (n, p) => `中古品の出品：${n}&nbsp;${p}より`,
  freeDelivery: '無料配送',
  deliveryCost: (p) => `配送料 ${p}`,
  couponAmount: (p) => `${p} OFFクーポンを適用`,
  couponPercent: (pct) => `${pct}%OFFクーポンで節約`,
  subscribeSave: '定期おトク便:',
  oneTime: '通常の注文:',
  perCount: '/ 個',
  monthly: (p, m) => `または ${p}/月 (${m}回払い)`,
  bestSellersRank: 'Amazon 売れ筋ランキング',
  brandLabel: 'ブランド',
  amazonName: 'Amazon.co.jp',
  warehouseName: 'Amazonアウトレット',
  storeTitleSuffix: 'Amazon.co.jp',
  categories: {
    electronics: [['家電＆カメラ', 'イヤホン・ヘッドホン', 'ヘッドホン']],
    home: [['ホーム＆キッチン', 'キッチン家電', '炊飯器']],
    book: [['本', 'コンピュータ・IT', 'プログラミング']],
    renewed: [['家電＆カメラ', '携帯電話・スマートフォン', 'スマートフォン本体']],
    fashion: [['ファッション', 'レディース', 'トップス']],
  },
  renewedSuffix: '(整備済み品)',
  protectionPlan: '保証プランを追加:',
  allOffers: 'すべての出品を見る',
};

const PACKS: Readonly<Partial<Record<MarketplaceCode, TextPack>>> = {
  us: EN_US,
  uk: EN_GB,
  ca: { ...EN_US, htmlLang: 'en-ca', amazonName: 'Amazon.ca', storeTitleSuffix: 'Amazon.ca' },
  au: { ...EN_GB, htmlLang: 'en-au', amazonName: 'Amazon AU', storeTitleSuffix: 'Amazon.com.au', listPriceLabel: 'RRP:' },
  in: { ...EN_US, htmlLang: 'en-in', amazonName: 'Amazon.in', storeTitleSuffix: 'Amazon.in', listPriceLabel: 'M.R.P.:' },
  sg: { ...EN_US, htmlLang: 'en-sg', amazonName: 'Amazon.sg', storeTitleSuffix: 'Amazon.sg' },
  de: DE,
  fr: FR,
  be: { ...FR, htmlLang: 'fr-be', storeTitleSuffix: 'Amazon.com.be' },
  it: IT,
  es: ES,
  mx: { ...ES, htmlLang: 'es-mx', amazonName: 'Amazon México', storeTitleSuffix: 'Amazon.com.mx' },
  jp: JA,
};

/** The words of `code`'s pages (English for storefronts without a pack of their own). */
export function textPack(code: MarketplaceCode): TextPack {
  return PACKS[code] ?? { ...EN_US, storeTitleSuffix: `Amazon` };
}
