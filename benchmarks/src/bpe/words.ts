/**
 * The word lists of the mixed-script corpus (see corpora.ts): a few words in each of a dozen scripts, plus
 * punctuation and number formats. Small on purpose: the point is to exercise every branch of GPT-2's
 * pre-tokenizer pattern and multi-byte merges, not to model a language.
 */

/** One script's words, how they are joined, and how its sentences end. */
export interface Script {
  words: readonly string[];
  separator: string;
  stops: readonly string[];
  /** Relative frequency of a sentence in this script. */
  weight: number;
}

const ZWJ = '\u200d';

export const SCRIPTS: readonly Script[] = [
  {
    // English, with the contractions GPT-2's pattern splits off ('s, 't, 're, 've, 'm, 'll, 'd).
    words: ['the', 'token', "don't", "it's", "we'll", "they're", "I've", "I'm", "she'd", 'model', 'learns'],
    separator: ' ',
    stops: ['.', '!', '?', ';', '...'],
    weight: 3,
  },
  {
    words: ['café', 'naïve', 'résumé', 'façade', 'über', 'Straße', 'Mädchen', 'niño', 'corazón', 'canção'],
    separator: ' ',
    stops: ['.', '!', '?'],
    weight: 1,
  },
  {
    words: ['São', 'łódź', 'żółw', 'Việt', 'phở', 'smörgåsbord', 'fjörður', 'crème', 'brûlée', 'Ærøskøbing'],
    separator: ' ',
    stops: ['.', '…'],
    weight: 1,
  },
  {
    words: ['привет', 'мир', 'язык', 'модель', 'обучение', 'внимание', 'слово', 'Москва', 'ёлка', 'їжак'],
    separator: ' ',
    stops: ['.', '!', '?', '…'],
    weight: 2,
  },
  {
    words: ['καλημέρα', 'κόσμος', 'γλώσσα', 'μοντέλο', 'λέξη', 'Ἀθῆναι', 'ψυχή', 'φιλοσοφία', 'ἀρετή'],
    separator: ' ',
    stops: ['.', ';', '·'],
    weight: 1,
  },
  {
    words: ['مرحبا', 'العالم', 'لغة', 'نموذج', 'تعلم', 'انتباه', 'كلمة', 'القاهرة', 'كِتَابٌ'],
    separator: ' ',
    stops: ['.', '؟', '،'],
    weight: 1,
  },
  {
    words: ['שלום', 'עולם', 'שפה', 'מודל', 'למידה', 'תשומת', 'לב', 'מילה', 'ירושלים', 'בְּרֵאשִׁית'],
    separator: ' ',
    stops: ['.', '?', '!'],
    weight: 1,
  },
  {
    words: ['नमस्ते', 'दुनिया', 'भाषा', 'मॉडल', 'सीखना', 'ध्यान', 'शब्द', 'क्षत्रिय', 'हिन्दी', 'संस्कृतम्'],
    separator: ' ',
    stops: ['।', '॥', '?'],
    weight: 1,
  },
  {
    // Chinese and Japanese: no spaces between words.
    words: [
      '你好',
      '世界',
      '语言',
      '模型',
      '学习',
      '注意力',
      '北京',
      '機器',
      '漢字',
      'こんにちは',
      'トークン',
      '東京',
    ],
    separator: '',
    stops: ['。', '！', '？', '、'],
    weight: 2,
  },
  {
    words: ['안녕하세요', '세계', '언어', '모델', '학습', '주의', '단어', '서울', '한국어'],
    separator: ' ',
    stops: ['.', '?', '!'],
    weight: 1,
  },
  {
    // Thai: no spaces between words.
    words: ['สวัสดี', 'โลก', 'ภาษา', 'แบบจำลอง', 'การเรียนรู้', 'ความสนใจ', 'คำ', 'กรุงเทพ', 'ภาษาไทย'],
    separator: '',
    stops: [' ', 'ฯ', '๚'],
    weight: 1,
  },
  {
    // Emoji: skin tones, ZWJ sequences, a flag, variation selectors.
    words: [
      '😀',
      '👍🏽',
      `👩${ZWJ}💻`,
      `👨${ZWJ}👩${ZWJ}👧${ZWJ}👦`,
      `🏳️${ZWJ}🌈`,
      '🇵🇹',
      '❤️',
      `🧑🏿${ZWJ}🚀`,
      '✨',
      '🤖',
      '👋🏻',
    ],
    separator: ' ',
    stops: ['!', ''],
    weight: 1,
  },
];

export const PUNCTUATION: readonly string[] = [
  '—',
  '–',
  '«',
  '»',
  '“',
  '”',
  '„',
  '‘',
  '’',
  '¿',
  '¡',
  '(',
  ')',
  '#',
  '@',
  '&',
];

export const NUMBER_FORMS: readonly ((random: () => number) => string)[] = [
  (r) => String(Math.floor(r() * 100_000)),
  (r) => (r() * 1000).toFixed(2),
  (r) => Math.floor(r() * 10_000_000).toLocaleString('en-US'),
  (r) =>
    `${1900 + Math.floor(r() * 130)}-${pad2(1 + Math.floor(r() * 12))}-${pad2(1 + Math.floor(r() * 28))}`,
  (r) => `${Math.floor(r() * 100)}%`,
  (r) => `$${(r() * 100).toFixed(2)}`,
  (r) => `€${Math.floor(r() * 100)},${pad2(Math.floor(r() * 100))}`,
  (r) => toDigits(Math.floor(r() * 10_000), 0x0660), // Arabic-Indic digits
  (r) => toDigits(Math.floor(r() * 10_000), 0x0966), // Devanagari digits
  (r) => toDigits(Math.floor(r() * 10_000), 0xff10), // fullwidth digits
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function toDigits(n: number, zero: number): string {
  return [...String(n)].map((d) => String.fromCharCode(zero + Number(d))).join('');
}
