/** customers.csv rows: who they are, how to reach them, since when they shop here. */
import { STORE_OPENED, TODAY, dayNumber, formatDay } from './dates.js';
import { randomName, type EmailBook } from './names.js';
import { formatPhone, type PhoneBook } from './phones.js';
import { CITY_WEIGHTS, COUNTRY_WEIGHTS, findPlace, type Place } from './places.js';
import { createRandom, deriveSeed, weightedTable } from './random.js';
import type { Country, CustomerRow, LoyaltyLevel } from './schema.js';

/** What orders need to know about a customer. */
export interface CustomerProfile {
  readonly place: Place;
  readonly memberSince: number;
}

export interface GeneratedCustomer {
  readonly row: CustomerRow;
  readonly profile: CustomerProfile;
}

const LOYALTY = weightedTable<LoyaltyLevel | ''>([
  ['Bronze', 38],
  ['Silver', 27],
  ['Gold', 16],
  ['Platinum', 9],
  ['', 10],
]);

const NEW_MEMBER_LOYALTY = weightedTable<LoyaltyLevel | ''>([
  ['Bronze', 70],
  ['Silver', 18],
  ['', 12],
]);

export function profileOf(row: CustomerRow): CustomerProfile {
  return {
    place: findPlace(row.country as Country, row.city),
    memberSince: dayNumber(row.member_since),
  };
}

export interface CustomerFactoryOptions {
  readonly seed: number;
  readonly phones: PhoneBook;
  readonly emails: EmailBook;
}

/** Makes customer after customer; `customerId` is the id of the one to make. */
export function createCustomerFactory({
  seed,
  phones,
  emails,
}: CustomerFactoryOptions): (customerId: string) => GeneratedCustomer {
  const rng = createRandom(deriveSeed(seed, 'customers'));
  return (customerId) => {
    const country = rng.weighted(COUNTRY_WEIGHTS);
    const place = rng.weighted(CITY_WEIGHTS[country]);
    const name = randomName(rng, country, { untidy: true });
    const email = emails.allocate(name, rng);
    const phone = formatPhone(phones.allocate(place, rng), rng);
    // More members joined recently than in the store's first years.
    const memberSince = TODAY - rng.skewed(TODAY - STORE_OPENED + 1, 1.3);
    const loyalty = rng.weighted(TODAY - memberSince < 180 ? NEW_MEMBER_LOYALTY : LOYALTY);
    return {
      row: {
        customer_id: customerId,
        name: name.display,
        email,
        phone,
        city: place.city,
        country,
        member_since: formatDay(memberSince),
        loyalty_level: loyalty,
      },
      profile: { place, memberSince },
    };
  };
}
