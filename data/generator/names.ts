/**
 * People's names from many cultures, in UTF-8 as customers type them, and the e-mail addresses
 * derived from them. Entries written `display|roman` carry their own romanization (Chinese);
 * all others are transliterated (José -> jose, Łukasz -> lukasz).
 */
import type { Country } from './schema.js';
import { weightedTable, type Random, type WeightedTable } from './random.js';

interface Culture {
  readonly male: readonly string[];
  readonly female: readonly string[];
  readonly last: readonly string[];
  /** How the full name is written from its parts. */
  readonly order: 'given-first' | 'family-first' | 'family-first-joined';
  /** Write `display|roman` entries in their romanization (Wei Zhang rather than 张伟). */
  readonly romanized?: boolean;
  /** A family name's feminine form (Polish -ski -> -ska). */
  readonly feminine?: (last: string) => string;
}

const ANGLO: Culture = {
  male: 'James Robert John Michael David William Richard Joseph Thomas Christopher Daniel Matthew Anthony Mark Steven Andrew Joshua Kevin Brian Ryan Tyler Brandon Jason Justin Marcus Darnell Andre Terrence Jamal Ethan Noah Liam Owen Caleb Gavin Jack Harry Oliver George Alfie Callum'.split(
    ' ',
  ),
  female:
    'Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Emily Ashley Megan Olivia Hannah Chloe Grace Madison Abigail Natalie Samantha Brittany Keisha Tamika Aaliyah Imani Lauren Rachel Amelia Isla Poppy Charlotte Sophie Holly Kayleigh Zoë'.split(
      ' ',
    ),
  last: "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Cook Rogers Reed Bell Washington Jefferson Freeman Brooks Coleman Hughes Price Bennett Wood Fletcher Holloway D'Angelo McAllister MacDonald".split(
    ' ',
  ),
  order: 'given-first',
};

const HISPANIC: Culture = {
  male: 'José Juan Carlos Alejandro Javier Diego Andrés Raúl Sebastián Íñigo Luis Miguel Jorge Fernando Ramón Joaquín Héctor Rubén Álvaro Óscar'.split(
    ' ',
  ),
  female:
    'María Lucía Sofía Valentina Camila Ximena Mónica Inés Begoña Nuria Carmen Guadalupe Marisol Ana Paula Elena Raquel Pilar Rocío Verónica'.split(
      ' ',
    ),
  last: 'García Martínez Rodríguez López Hernández González Pérez Sánchez Ramírez Torres Flores Álvarez Jiménez Muñoz Gutiérrez Ortiz Castillo Núñez Peña Ibáñez Fernández Romero Delgado Vázquez Domínguez Cruz Morales Reyes Ortega Suárez'.split(
    ' ',
  ),
  order: 'given-first',
};

const GERMAN: Culture = {
  male: 'Jürgen Jörg Günter Lukas Maximilian Felix Jonas Björn Fabian Matthias Sören Tobias Stefan Florian Moritz Niklas Dieter Uwe Kai Lars'.split(
    ' ',
  ),
  female:
    'Lena Sophie Hannah Anna Marie Käthe Leonie Annegret Zoë Jana Katrin Sabine Ursula Greta Johanna Franziska Mareike Heike Birgit Lea'.split(
      ' ',
    ),
  last: 'Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hofmann Hartmann Lange Weiß Groß Köhler Jäger Müller-Lüdenscheidt Vogel'.split(
    ' ',
  ),
  order: 'given-first',
};

const POLISH: Culture = {
  male: 'Łukasz Paweł Michał Wojciech Grzegorz Piotr Krzysztof Tomasz Jakub Mateusz Jędrzej Bartłomiej'.split(
    ' ',
  ),
  female:
    'Małgorzata Agnieszka Katarzyna Zofia Ewa Joanna Magdalena Aleksandra Dorota Beata Urszula Żaneta'.split(
      ' ',
    ),
  last: 'Wiśniewski Kowalski Nowak Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Dąbrowski Kozłowski Mazur Krawczyk Jankowski Wróbel'.split(
    ' ',
  ),
  order: 'given-first',
  feminine: (last) => last.replace(/ski$/, 'ska').replace(/cki$/, 'cka'),
};

const IRISH: Culture = {
  male: 'Seán Pádraig Cian Oisín Eoin Ciarán Darragh Cathal Diarmuid Tadhg Liam Conor Niall Rory'.split(
    ' ',
  ),
  female:
    'Siobhán Aoife Niamh Saoirse Caoimhe Róisín Orla Sinéad Clodagh Gráinne Ciara Aisling Maeve Úna'.split(
      ' ',
    ),
  last: "O'Brien,Murphy,Kelly,O'Sullivan,Walsh,O'Connor,McCarthy,Byrne,O'Neill,Ryan,Doyle,Gallagher,Kavanagh,Ó Súilleabháin,Quinn,Brennan,Fitzgerald,Nolan".split(
    ',',
  ),
  order: 'given-first',
};

const NIGERIAN: Culture = {
  male: 'Chinedu Oluwaseun Emeka Babatunde Obinna Tunde Chukwuemeka Ikenna Adewale Olumide Segun Ibrahim Musa Yusuf Kelechi'.split(
    ' ',
  ),
  female:
    'Ngozi Adaeze Funmilayo Chiamaka Yetunde Ifeoma Folake Amaka Nneka Bukola Temitope Zainab Aisha Chidinma Omolara'.split(
      ' ',
    ),
  last: 'Okafor Adeyemi Okonkwo Eze Balogun Nwosu Ogunleye Adebayo Chukwu Olawale Abubakar Bello Obi Nnamdi Ogunbanjo Adeleke Onyeka Ibekwe'.split(
    ' ',
  ),
  order: 'given-first',
};

const INDIAN: Culture = {
  male: 'Arjun Aarav Rohan Vikram Sanjay Rahul Aditya Karthik Vivek Siddharth Anil Rajesh Harish Nikhil Pranav'.split(
    ' ',
  ),
  female:
    'Priya Ananya Diya Kavya Lakshmi Meera Neha Pooja Shreya Divya Anjali Deepika Sunita Ishita Radhika'.split(
      ' ',
    ),
  last: 'Sharma Patel Reddy Iyer Gupta Singh Nair Mehta Rao Chatterjee Kulkarni Menon Bhattacharya Desai Banerjee Krishnan Joshi Pillai Agarwal Verma'.split(
    ' ',
  ),
  order: 'given-first',
};

const CHINESE_MALE =
  '伟|Wei 磊|Lei 强|Qiang 杰|Jie 浩|Hao 宇轩|Yuxuan 俊|Jun 明|Ming 涛|Tao 建国|Jianguo'.split(' ');
const CHINESE_FEMALE =
  '芳|Fang 娜|Na 敏|Min 静|Jing 艳|Yan 婷|Ting 欣怡|Xinyi 子涵|Zihan 秀英|Xiuying 丽|Li'.split(' ');
const CHINESE_LAST =
  '李|Li 王|Wang 张|Zhang 刘|Liu 陈|Chen 杨|Yang 黄|Huang 赵|Zhao 吴|Wu 周|Zhou 徐|Xu 孙|Sun 林|Lin 何|He 郭|Guo'.split(
    ' ',
  );

/** Chinese names romanized, given name first (`Wei Zhang`). */
const CHINESE: Culture = {
  male: CHINESE_MALE,
  female: CHINESE_FEMALE,
  last: CHINESE_LAST,
  order: 'given-first',
  romanized: true,
};

/** Chinese names in Han characters, family name first, no space (`李伟`). */
const CHINESE_HAN: Culture = { ...CHINESE, order: 'family-first-joined', romanized: false };

const VIETNAMESE: Culture = {
  male: 'Văn An|Van An,Văn Minh|Van Minh,Đức Anh|Duc Anh,Quang Huy|Quang Huy,Thành Long|Thanh Long'.split(
    ',',
  ),
  female:
    'Thị Mai|Thi Mai,Thị Hương|Thi Huong,Ngọc Lan|Ngoc Lan,Thu Trang|Thu Trang,Bảo Ngọc|Bao Ngoc'.split(
      ',',
    ),
  last: 'Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Võ Đặng Bùi'.split(' '),
  order: 'family-first',
};

const JAPANESE: Culture = {
  male: 'Haruto Sota Kenji Hiroshi Takumi Ren Daiki Yuto'.split(' '),
  female: 'Yuki Sakura Aiko Yui Haruka Mei Emi Rina'.split(' '),
  last: 'Tanaka Suzuki Sato Takahashi Watanabe Yamamoto Nakamura Kobayashi'.split(' '),
  order: 'given-first',
};

const KOREAN: Culture = {
  male: 'Min-jun Ji-ho Seo-jun Dong-hyun Jae-won Hyun-woo'.split(' '),
  female: 'Ji-woo Seo-yeon Min-seo Ha-eun Soo-jin Ye-jin'.split(' '),
  last: 'Kim Park Lee Choi Jung Kang Yoon Jang'.split(' '),
  order: 'given-first',
};

const ARABIC: Culture = {
  male: 'Omar Youssef Karim Tariq Khalid Samir Hassan Rami Nabil Ziad'.split(' '),
  female: 'Layla Yasmin Noor Rania Amira Salma Dalia Hana Mariam Leila'.split(' '),
  last: 'Haddad Nasser El-Amin Khoury Saleh Mansour Farouk Hamdan Al-Sayed Aziz'.split(' '),
  order: 'given-first',
};

const FRENCH: Culture = {
  male: 'François Loïc Jérôme Théo Benoît Étienne Hugo Mathéo Aurélien Cédric'.split(' '),
  female: 'Hélène Chloé Amélie Léa Margaux Élodie Inès Anaïs Céline Maëlle'.split(' '),
  last: 'Dubois Lefèvre Moreau Girard Rousseau Lambert Bélanger Tremblay Gagnon Côté Leclerc Fontaine'.split(
    ' ',
  ),
  order: 'given-first',
};

const TURKISH: Culture = {
  male: 'Mehmet Emre Mustafa Burak Can Oğuz Serkan Ömer'.split(' '),
  female: 'Ayşe Zeynep Elif Fatma Şeyma Gül Özlem Büşra'.split(' '),
  last: 'Yılmaz Kaya Şahin Çelik Demir Öztürk Arslan Doğan Aydın Kılıç'.split(' '),
  order: 'given-first',
};

type CultureWeights = WeightedTable<Culture>;

const CULTURES_BY_COUNTRY: Record<Country, CultureWeights> = {
  'United States': weightedTable([
    [ANGLO, 52],
    [HISPANIC, 17],
    [CHINESE, 3],
    [CHINESE_HAN, 1.5],
    [INDIAN, 5],
    [VIETNAMESE, 2.5],
    [JAPANESE, 1.5],
    [KOREAN, 1.5],
    [ARABIC, 2.5],
    [NIGERIAN, 2],
    [IRISH, 3],
    [GERMAN, 2.5],
    [POLISH, 2],
    [FRENCH, 2],
    [TURKISH, 1],
  ]),
  'United Kingdom': weightedTable([
    [ANGLO, 66],
    [INDIAN, 10],
    [POLISH, 6],
    [IRISH, 6],
    [NIGERIAN, 6],
    [CHINESE, 3],
    [ARABIC, 3],
  ]),
  Canada: weightedTable([
    [ANGLO, 50],
    [FRENCH, 22],
    [CHINESE, 8],
    [CHINESE_HAN, 2],
    [INDIAN, 10],
    [VIETNAMESE, 3],
    [IRISH, 5],
  ]),
  Germany: weightedTable([
    [GERMAN, 74],
    [TURKISH, 12],
    [POLISH, 8],
    [ARABIC, 6],
  ]),
  India: weightedTable([[INDIAN, 1]]),
  Australia: weightedTable([
    [ANGLO, 64],
    [CHINESE, 8],
    [CHINESE_HAN, 2],
    [VIETNAMESE, 8],
    [INDIAN, 8],
    [IRISH, 6],
    [JAPANESE, 2],
    [KOREAN, 2],
  ]),
  Ireland: weightedTable([
    [IRISH, 70],
    [ANGLO, 18],
    [POLISH, 12],
  ]),
  Spain: weightedTable([
    [HISPANIC, 90],
    [FRENCH, 5],
    [ARABIC, 5],
  ]),
  Nigeria: weightedTable([[NIGERIAN, 1]]),
};

export interface PersonName {
  /** As written in the CSV (UTF-8, with suffixes, family-first where customary). */
  readonly display: string;
  /** ASCII given and family names, for e-mail addresses. */
  readonly given: string;
  readonly family: string;
}

const SPECIAL_LETTERS: Record<string, string> = {
  ł: 'l',
  Ł: 'L',
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
};

/** ASCII letters only: José -> Jose, Łukasz -> Lukasz, O'Brien -> OBrien. */
export function asciiLetters(text: string): string {
  return text
    .replace(/[łŁßøØæđĐı]/g, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** An entry's written form and its ASCII form (for e-mail addresses). */
function split(entry: string, romanized: boolean): { display: string; ascii: string } {
  const bar = entry.indexOf('|');
  if (bar < 0) return { display: entry, ascii: asciiLetters(entry) };
  const roman = entry.slice(bar + 1);
  return { display: romanized ? roman : entry.slice(0, bar), ascii: asciiLetters(roman) };
}

export interface NameOptions {
  /** Allow the untidy extras of a real export: middle initials, `, Jr.` suffixes, two surnames. */
  readonly untidy: boolean;
}

export function randomName(rng: Random, country: Country, options: NameOptions): PersonName {
  const culture = rng.weighted(CULTURES_BY_COUNTRY[country]);
  const female = rng.chance(0.5);
  const romanized = culture.romanized ?? false;
  const given = split(rng.pick(female ? culture.female : culture.male), romanized);
  const familyEntry = rng.pick(culture.last);
  const family = split(
    female && culture.feminine ? culture.feminine(familyEntry) : familyEntry,
    romanized,
  );

  let display: string;
  if (culture.order === 'family-first-joined') display = `${family.display}${given.display}`;
  else if (culture.order === 'family-first') display = `${family.display} ${given.display}`;
  else display = `${given.display} ${family.display}`;

  if (options.untidy && culture.order === 'given-first') {
    if (culture === HISPANIC && country === 'Spain' && rng.chance(0.4)) {
      display += ` ${rng.pick(HISPANIC.last)}`;
    } else if (culture === ANGLO && rng.chance(0.06)) {
      display = `${given.display} ${String.fromCharCode(65 + rng.int(0, 25))}. ${family.display}`;
    }
    if (culture === ANGLO && !female && country === 'United States' && rng.chance(0.05)) {
      display += rng.pick([', Jr.', ', Jr.', ', Sr.', ' III', ' II']);
    }
  }
  return { display, given: given.ascii, family: family.ascii };
}

const EMAIL_DOMAINS = weightedTable([
  ['example.com', 50],
  ['example.net', 20],
  ['example.org', 15],
  ['mail.example.com', 10],
  ['inbox.example.net', 5],
]);

type LocalPart = (given: string, family: string, rng: Random) => string;

const LOCAL_PARTS = weightedTable<LocalPart>([
  [(g, f) => `${g}.${f}`, 40],
  [(g, f) => `${g}${f}`, 12],
  [(g, f) => `${g.slice(0, 1)}${f}`, 12],
  [(g, f) => `${g}_${f}`, 6],
  [(g, f) => `${f}.${g}`, 6],
  [(g, f, rng) => `${g}.${f}${rng.int(1, 99)}`, 10],
  [(g, f, rng) => `${g}${rng.int(70, 99)}`, 7],
  [(g, f) => `${g}.${f.slice(0, 1)}`, 7],
]);

export interface EmailBook {
  /** Marks an address as taken (compared case-insensitively). */
  reserve(email: string): void;
  /** A new address for this person; about 8% are written in mixed case, as some people do. */
  allocate(name: PersonName, rng: Random): string;
}

function capitalize(word: string): string {
  return word.slice(0, 1).toUpperCase() + word.slice(1);
}

export function createEmailBook(): EmailBook {
  const taken = new Set<string>();
  return {
    reserve(email) {
      taken.add(email.toLowerCase());
    },
    allocate(name, rng) {
      const mixedCase = rng.chance(0.08);
      const given = mixedCase ? capitalize(name.given) : name.given.toLowerCase();
      const family = mixedCase ? capitalize(name.family) : name.family.toLowerCase();
      const local = rng.weighted(LOCAL_PARTS)(given || 'customer', family || 'shopper', rng);
      const domainName = rng.weighted(EMAIL_DOMAINS);
      const domain = mixedCase ? capitalize(domainName) : domainName;
      let email = `${local}@${domain}`;
      for (let n = 2; taken.has(email.toLowerCase()); n++) email = `${local}${n}@${domain}`;
      taken.add(email.toLowerCase());
      return email;
    },
  };
}
