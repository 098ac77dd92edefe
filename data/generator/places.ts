/**
 * Where customers live: countries (weighted, ~70% United States), their cities and the phone
 * areas used there. `city` is what customers.csv says; `label` is how a carrier names the place
 * in delivery.csv (`Seattle, WA`).
 */
import { COUNTRIES, type Country } from './schema.js';
import { weightedTable, type WeightedTable } from './random.js';

export interface Place {
  readonly country: Country;
  readonly city: string;
  readonly label: string;
  /** Relative share of the country's customers. */
  readonly weight: number;
  /** Phone areas (US/CA area codes, UK/DE/... trunk areas) numbers here are drawn from. */
  readonly phoneAreas: readonly string[];
}

type CityEntry = readonly [city: string, region: string, weight: number, phoneAreas: string];

/** [city, region (empty: city already says it), weight, phone areas (space separated)] */
const US_CITIES: readonly CityEntry[] = [
  ['New York', 'NY', 8, '212 646 332 917'],
  ['Brooklyn', 'NY', 3, '718 347 929'],
  ['Los Angeles', 'CA', 6, '213 323 310 424 818'],
  ['Chicago', 'IL', 4, '312 773 872'],
  ['Houston', 'TX', 4, '713 281 832 346'],
  ['Phoenix', 'AZ', 3, '602 480 623'],
  ['Philadelphia', 'PA', 3, '215 267 445'],
  ['San Antonio', 'TX', 2, '210 726'],
  ['San Diego', 'CA', 2.5, '619 858'],
  ['Dallas', 'TX', 3, '214 469 972 945'],
  ['Fort Worth', 'TX', 1, '817 682'],
  ['Austin', 'TX', 2.5, '512 737'],
  ['San Jose', 'CA', 2, '408 669'],
  ['San Francisco', 'CA', 3, '415 628'],
  ['Oakland', 'CA', 1, '510 341'],
  ['Sacramento', 'CA', 1.2, '916 279'],
  ['Seattle', 'WA', 3, '206'],
  ['Spokane', 'WA', 0.4, '509'],
  ['Denver', 'CO', 2.5, '303 720'],
  ['Washington, D.C.', '', 2.5, '202 771'],
  ['Arlington', 'VA', 0.8, '703 571'],
  ['Richmond', 'VA', 0.7, '804'],
  ['Baltimore', 'MD', 1.2, '410 443 667'],
  ['Boston', 'MA', 3, '617 857'],
  ['Springfield, MA', '', 0.3, '413'],
  ['Providence', 'RI', 0.5, '401'],
  ['Hartford', 'CT', 0.6, '860 959'],
  ['Burlington', 'VT', 0.3, '802'],
  ['Portland, ME', '', 0.5, '207'],
  ['Portland, OR', '', 2, '503 971'],
  ['Boise', 'ID', 0.5, '208 986'],
  ['Salt Lake City', 'UT', 1, '801 385'],
  ['Las Vegas', 'NV', 1.5, '702 725'],
  ['Albuquerque', 'NM', 0.7, '505'],
  ['Tucson', 'AZ', 0.6, '520'],
  ['El Paso', 'TX', 0.5, '915'],
  ['Oklahoma City', 'OK', 0.6, '405 572'],
  ['Omaha', 'NE', 0.6, '402 531'],
  ['Des Moines', 'IA', 0.4, '515'],
  ['Kansas City', 'MO', 1, '816'],
  ['St. Louis', 'MO', 1, '314'],
  ['Springfield, IL', '', 0.3, '217 447'],
  ['Minneapolis', 'MN', 1.5, '612'],
  ['St. Paul', 'MN', 0.6, '651'],
  ['Milwaukee', 'WI', 0.8, '414'],
  ['Madison', 'WI', 0.5, '608'],
  ['Detroit', 'MI', 1.2, '313'],
  ['Ann Arbor', 'MI', 0.4, '734'],
  ['Indianapolis', 'IN', 1.2, '317 463'],
  ['Columbus', 'OH', 1.3, '614 380'],
  ['Cleveland', 'OH', 1, '216'],
  ['Cincinnati', 'OH', 1, '513'],
  ['Pittsburgh', 'PA', 1, '412 878'],
  ['Buffalo', 'NY', 0.6, '716'],
  ['Newark', 'NJ', 0.8, '973 862'],
  ['Jersey City', 'NJ', 0.8, '201 551'],
  ['Charlotte', 'NC', 1.5, '704 980'],
  ['Raleigh', 'NC', 1.3, '919 984'],
  ['Charleston', 'SC', 0.5, '843 854'],
  ['Atlanta', 'GA', 3, '404 678 470 770'],
  ['Savannah', 'GA', 0.3, '912'],
  ['Jacksonville', 'FL', 0.8, '904'],
  ['Orlando', 'FL', 1.5, '407 689'],
  ['Tampa', 'FL', 1.2, '813 656'],
  ['Miami', 'FL', 2.5, '305 786'],
  ['Nashville', 'TN', 2, '615 629'],
  ['Memphis', 'TN', 0.7, '901'],
  ['Louisville', 'KY', 0.7, '502'],
  ['Birmingham', 'AL', 0.5, '205 659'],
  ['Little Rock', 'AR', 0.3, '501'],
  ['New Orleans', 'LA', 0.8, '504'],
  ['Honolulu', 'HI', 0.6, '808'],
  ['Anchorage', 'AK', 0.3, '907'],
];

const CANADA_CITIES: readonly CityEntry[] = [
  ['Toronto', 'ON', 4, '416 647 437'],
  ['Vancouver', 'BC', 3, '604 778 236'],
  ['Montréal', 'QC', 3, '514 438'],
  ['Calgary', 'AB', 2, '403 587 825'],
  ['Ottawa', 'ON', 1.5, '613 343'],
  ['Edmonton', 'AB', 1.2, '780'],
  ['Winnipeg', 'MB', 1, '204 431'],
  ['Halifax', 'NS', 0.8, '902 782'],
  ['Québec City', 'QC', 0.8, '418 581'],
  ['Victoria', 'BC', 0.6, '250'],
];

const UK_CITIES: readonly CityEntry[] = [
  ['London', '', 8, '20'],
  ['Manchester', '', 2, '161'],
  ['Birmingham', '', 2, '121'],
  ['Leeds', '', 1.2, '113'],
  ['Glasgow', '', 1.2, '141'],
  ['Edinburgh', '', 1, '131'],
  ['Bristol', '', 1, '117'],
  ['Liverpool', '', 1, '151'],
  ['Sheffield', '', 0.8, '114'],
  ['Leicester', '', 0.6, '116'],
  ['Reading', '', 0.5, '118'],
  ['Newcastle upon Tyne', '', 0.8, '191'],
  ['Cardiff', '', 0.8, '29'],
  ['Belfast', '', 0.8, '28'],
];

const GERMANY_CITIES: readonly CityEntry[] = [
  ['Berlin', '', 4, '30'],
  ['Hamburg', '', 2.5, '40'],
  ['München', '', 2.5, '89'],
  ['Köln', '', 1.5, '221'],
  ['Frankfurt am Main', '', 1.5, '69'],
];

const INDIA_CITIES: readonly CityEntry[] = [
  ['Mumbai', '', 3, '98765'],
  ['New Delhi', '', 3, '98765'],
  ['Bengaluru', '', 3, '98765'],
  ['Hyderabad', '', 2, '98765'],
  ['Chennai', '', 2, '98765'],
  ['Pune', '', 1.5, '98765'],
  ['Kolkata', '', 1.5, '98765'],
];

const AUSTRALIA_CITIES: readonly CityEntry[] = [
  ['Sydney', 'NSW', 4, '2'],
  ['Melbourne', 'VIC', 4, '3'],
  ['Brisbane', 'QLD', 2, '7'],
  ['Perth', 'WA', 1.5, '8'],
  ['Adelaide', 'SA', 1, '8'],
  ['Canberra', 'ACT', 0.6, '2'],
];

const IRELAND_CITIES: readonly CityEntry[] = [
  ['Dublin', '', 5, '1'],
  ['Cork', '', 1.5, '21'],
  ['Galway', '', 1, '91'],
  ['Limerick', '', 0.8, '61'],
];

const SPAIN_CITIES: readonly CityEntry[] = [
  ['Madrid', '', 4, '91'],
  ['Barcelona', '', 3.5, '93'],
  ['Valencia', '', 1.5, '96'],
  ['Sevilla', '', 1.2, '95'],
  ['Málaga', '', 1, '95'],
  ['Bilbao', '', 0.8, '94'],
];

const NIGERIA_CITIES: readonly CityEntry[] = [
  ['Lagos', '', 5, '803 806'],
  ['Abuja', '', 2.5, '805 803'],
  ['Port Harcourt', '', 1.2, '806'],
  ['Ibadan', '', 1, '805'],
  ['Kano', '', 1, '803'],
];

const CITIES_BY_COUNTRY: Record<Country, readonly CityEntry[]> = {
  'United States': US_CITIES,
  'United Kingdom': UK_CITIES,
  Canada: CANADA_CITIES,
  Germany: GERMANY_CITIES,
  India: INDIA_CITIES,
  Australia: AUSTRALIA_CITIES,
  Ireland: IRELAND_CITIES,
  Spain: SPAIN_CITIES,
  Nigeria: NIGERIA_CITIES,
};

/** Share of customers per country. */
export const COUNTRY_WEIGHTS = weightedTable<Country>([
  ['United States', 70],
  ['United Kingdom', 7],
  ['Canada', 6],
  ['Germany', 4],
  ['India', 4],
  ['Australia', 3],
  ['Ireland', 2],
  ['Spain', 2],
  ['Nigeria', 2],
]);

function toPlace(country: Country, [city, region, weight, areas]: CityEntry): Place {
  const label =
    region !== ''
      ? `${city}, ${region}`
      : country === 'United States'
        ? city
        : `${city}, ${country}`;
  return { country, city, label, weight, phoneAreas: areas.split(' ') };
}

function byCountry<T>(make: (country: Country) => T): Record<Country, T> {
  const result = {} as Record<Country, T>;
  for (const country of COUNTRIES) result[country] = make(country);
  return result;
}

export const PLACES: Record<Country, readonly Place[]> = byCountry((country) =>
  CITIES_BY_COUNTRY[country].map((entry) => toPlace(country, entry)),
);

/** Per country, its cities weighted by how many customers live there. */
export const CITY_WEIGHTS: Record<Country, WeightedTable<Place>> = byCountry((country) =>
  weightedTable(PLACES[country].map((place) => [place, place.weight] as const)),
);

/** Looks a place up by country and city (for the hand-written fixtures). */
export function findPlace(country: Country, city: string): Place {
  const place = PLACES[country].find((candidate) => candidate.city === city);
  if (!place) throw new Error(`unknown place: ${city}, ${country}`);
  return place;
}

/** Every phone area of a country, in a stable order (the fallback when a city's are full). */
export function phoneAreasOf(country: Country): readonly string[] {
  return [...new Set(PLACES[country].flatMap((place) => place.phoneAreas))];
}
